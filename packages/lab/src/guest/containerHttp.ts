import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EngineError, type SimContainer } from './model';

/** The status the container's program answers for a path. */
export function statusForPath(container: SimContainer, path: string): number {
  const b = container.lab.behaviour;
  const pathname = path.split('?')[0];
  if (pathname === b.healthPath && b.healthStatus !== undefined)
    return b.healthStatus;
  return b.httpStatus;
}

/** True for an address the lab may bind (loopback only: the machine's network is not ours). */
function isLoopback(ip: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);
}

/**
 * The tiny HTTP program of a running container: one server per published port, on the guest's
 * address, answering every path (200 unless the container's behaviour says otherwise).
 */
export class ContainerHttp {
  private servers: http.Server[] = [];

  constructor(
    private readonly container: SimContainer,
    private readonly guestIp: string,
    private readonly log: (stream: 1 | 2, text: string) => void,
  ) {}

  /** Binds every published port; fills NetworkSettings.Ports. Throws EngineError 500 like dockerd's port allocator. */
  async start(): Promise<void> {
    const ports: SimContainer['NetworkSettings']['Ports'] = {};
    for (const port of Object.keys(this.container.Config.ExposedPorts))
      ports[port] = null;
    const publishAll = this.container.HostConfig.PublishAllPorts === true;
    const bindings = { ...this.container.HostConfig.PortBindings };
    if (publishAll) {
      for (const port of Object.keys(this.container.Config.ExposedPorts)) {
        if (!bindings[port]) bindings[port] = [{ HostIp: '', HostPort: '' }];
      }
    }
    try {
      for (const [containerPort, list] of Object.entries(bindings)) {
        if (!containerPort.endsWith('/tcp') && containerPort.includes('/'))
          continue;
        ports[containerPort] = [];
        for (const binding of list ?? []) {
          const requested = binding.HostIp ?? '';
          const hostIp =
            requested === '' || requested === '0.0.0.0'
              ? this.guestIp
              : requested;
          if (!isLoopback(hostIp)) {
            throw new EngineError(
              500,
              `driver failed programming external connectivity on endpoint ${this.container.Name.slice(
                1,
              )} (${
                this.container.Id
              }): Error starting userland proxy: listen tcp4 ${requested}:${
                binding.HostPort
              }: bind: cannot assign requested address`,
            );
          }
          const hostPort = Number(binding.HostPort || 0);
          const actual = await this.listen(hostIp, hostPort, containerPort);
          ports[containerPort]!.push({
            HostIp: requested === '' ? '0.0.0.0' : requested,
            HostPort: String(actual),
          });
        }
      }
    } catch (e) {
      await this.stop();
      throw e;
    }
    this.container.NetworkSettings.Ports = ports;
  }

  private listen(
    ip: string,
    port: number,
    containerPort: string,
  ): Promise<number> {
    const server = http.createServer((req, res) => {
      const status = statusForPath(this.container, req.url ?? '/');
      const body = JSON.stringify({
        container: this.container.Name.slice(1),
        hostname: this.container.Config.Hostname,
        image: this.container.Config.Image,
        port: containerPort,
        path: req.url,
      });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(`${body}\n`);
      this.container.lab.netRx += 200;
      this.container.lab.netTx += body.length + 100;
      this.log(
        1,
        `${req.socket.remoteAddress} - - "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${body.length}`,
      );
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          new EngineError(
            500,
            err.code === 'EADDRINUSE'
              ? `driver failed programming external connectivity on endpoint ${this.container.Name.slice(
                  1,
                )} (${
                  this.container.Id
                }): Bind for ${ip}:${port} failed: port is already allocated`
              : `driver failed programming external connectivity on endpoint ${this.container.Name.slice(
                  1,
                )}: ${err.message}`,
          ),
        );
      });
      server.listen(port, ip, () => {
        this.servers.push(server);
        const actual = (server.address() as AddressInfo).port;
        this.log(
          2,
          `lab-http: listening on ${ip}:${actual} (container port ${containerPort})`,
        );
        resolve(actual);
      });
    });
  }

  /** The host port a container port is published on, if any. */
  hostPortOf(containerPort: string): { ip: string; port: number } | undefined {
    const entry = this.container.NetworkSettings.Ports[containerPort]?.[0];
    if (!entry) return undefined;
    const ip =
      entry.HostIp === '0.0.0.0' || entry.HostIp === ''
        ? this.guestIp
        : entry.HostIp;
    return { ip, port: Number(entry.HostPort) };
  }

  /** Closes every server and drops open connections (the program is gone). */
  async stop(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(
      servers.map(
        s =>
          new Promise<void>(resolve => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }
}
