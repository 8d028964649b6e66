import { LabControl } from '../core';
import { ClosableServer } from '../core/ClosableServer';
import type {
  GuestDisk,
  GuestHost,
  GuestLoad,
  GuestSpec,
} from '../core/GuestHost';
import { DockerEngine } from './DockerEngine';
import { DOCKER_DEFAULT_LATENCIES, type EngineDiskState } from './engineCore';
import type { LabImageSpec } from './images';
import { AGENT_VERSION, agentApp, engineApp } from './servers';
import { AgentSignatureCheck } from '../tls/agentSignature';
import { issueServerCert } from '../tls/pki';

/** Port of the Portainer agent in each guest. */
export const AGENT_PORT = 9001;
/** Port of the plain-TCP Docker Engine API in each guest. */
export const DOCKER_PORT = 2375;

/** Options of a {@link GuestFleet}. */
export interface GuestFleetOptions {
  /** Shared with the Proxmox simulator usually; `docker.*` and `agent.ping` operations are read from it. */
  control?: LabControl;
  /** Sets the control's latency scale (0 = instant). */
  latencyScale?: number;
  /** Images every guest with Docker preinstalled has locally (the golden template's). */
  images?: Array<string | LabImageSpec>;
  /** What pulls can fetch; default {@link DEFAULT_REGISTRY_IMAGES}. */
  registry?: LabImageSpec[];
  /** Run the agent itself as the `portainer_agent` container (restart always), as on a real guest; default true. */
  agentContainer?: boolean;
  /**
   * The TLS lab's agents: HTTPS on 9001 with a self-signed certificate made at each boot, answering
   * only signed requests (Portainer's key, or `secret`: the golden template's `AGENT_SECRET`).
   * Default: plain HTTP, no signature (the embedded default).
   */
  agentTls?: { secret?: string };
}

interface Guest {
  spec: GuestSpec;
  engine: DockerEngine;
  running: boolean;
  servers?: { engine: ClosableServer; agent: ClosableServer };
}

/**
 * The insides of every simulated LXC container: for each started guest, a Docker engine API on
 * `ip:2375` and a Portainer agent on `ip:9001` (`GET /ping`, and the Docker API proxied).
 * Stopping a guest closes both (connections refused) and ends its containers; starting it again
 * brings back those with restart policy always / unless-stopped.
 */
export class GuestFleet implements GuestHost {
  readonly control: LabControl;
  private readonly guests = new Map<number, Guest>();
  private readonly options: GuestFleetOptions;

  constructor(options: GuestFleetOptions = {}) {
    this.options = options;
    this.control = options.control ?? new LabControl();
    const known = this.control.describe().latencies;
    for (const [op, ms] of Object.entries(DOCKER_DEFAULT_LATENCIES)) {
      if (!(op in known)) this.control.setLatency(op, ms);
    }
    if (options.latencyScale !== undefined)
      this.control.setLatencyScale(options.latencyScale);
  }

  async start(spec: GuestSpec): Promise<void> {
    let guest = this.guests.get(spec.vmid);
    if (guest?.running) return;
    if (!guest) guest = this.createGuest(spec);
    // a new DHCP lease: the guest's services come up on the new address only
    guest.engine.ip = spec.ip;
    guest.spec = {
      ...guest.spec,
      ...spec,
      dockerPreinstalled:
        guest.spec.dockerPreinstalled || spec.dockerPreinstalled,
    };
    guest.running = true;
    if (guest.spec.dockerPreinstalled) await this.startServices(guest);
  }

  private createGuest(spec: GuestSpec, withImages = true): Guest {
    const engine = new DockerEngine({
      ip: spec.ip,
      hostname: spec.hostname,
      control: this.control,
      images:
        spec.dockerPreinstalled && withImages
          ? this.options.images ?? ['portainer/agent:2.27.9']
          : [],
      registry: this.options.registry,
    });
    const guest: Guest = { spec, engine, running: false };
    this.guests.set(spec.vmid, guest);
    if (
      spec.dockerPreinstalled &&
      withImages &&
      this.options.agentContainer !== false
    )
      this.addAgentContainer(engine);
    return guest;
  }

  load(vmid: number, fromMs: number, toMs: number): GuestLoad {
    const guest = this.guests.get(vmid);
    return guest
      ? guest.engine.runLog.average(fromMs, toMs)
      : { cores: 0, memBytes: 0 };
  }

  exportDisk(vmid: number): GuestDisk | undefined {
    const guest = this.guests.get(vmid);
    if (!guest) return undefined;
    return {
      dockerPreinstalled: guest.spec.dockerPreinstalled,
      hostname: guest.spec.hostname,
      docker: guest.engine.exportState(),
    };
  }

  importDisk(
    vmid: number,
    disk: GuestDisk,
    options: { resumeRunning?: boolean } = {},
  ): void {
    const old = this.guests.get(vmid);
    if (old?.running) throw new Error(`guest ${vmid} is running`);
    if (old) void old.engine.dispose();
    // the address and host name are set again when the CT starts
    const guest = this.createGuest(
      {
        vmid,
        hostname: disk.hostname ?? `CT${vmid}`,
        ip: '127.0.0.1',
        dockerPreinstalled: disk.dockerPreinstalled,
      },
      false,
    );
    if (disk.docker)
      guest.engine.importState(
        disk.docker as EngineDiskState,
        Boolean(options.resumeRunning),
      );
  }

  private addAgentContainer(engine: DockerEngine) {
    const image =
      engine.findImage(`portainer/agent:${AGENT_VERSION}`) ??
      engine.addImage({
        ref: `portainer/agent:${AGENT_VERSION}`,
        exposedPorts: ['9001/tcp'],
      });
    engine.createContainer('portainer_agent', {
      Image: image.RepoTags[0],
      Env: [
        'AGENT_CLUSTER_ADDR=tasks.agent',
        ...(this.options.agentTls?.secret
          ? [`AGENT_SECRET=${this.options.agentTls.secret}`]
          : []),
      ],
      HostConfig: {
        RestartPolicy: { Name: 'always' },
        Binds: [
          '/var/run/docker.sock:/var/run/docker.sock',
          '/var/lib/docker/volumes:/var/lib/docker/volumes',
        ],
      },
    });
  }

  private async startServices(guest: Guest) {
    if (guest.servers) return;
    await guest.engine.bootDaemon();
    const engine = await ClosableServer.listen(
      engineApp(guest.engine),
      guest.spec.ip,
      DOCKER_PORT,
      { streaming: true },
    );
    try {
      const tls = this.options.agentTls;
      const agent = await ClosableServer.listen(
        agentApp(
          guest.engine,
          tls ? new AgentSignatureCheck(tls.secret) : undefined,
        ),
        guest.spec.ip,
        AGENT_PORT,
        {
          streaming: true,
          tls: tls
            ? issueServerCert([guest.spec.hostname, guest.spec.ip])
            : undefined,
        },
      );
      guest.servers = { engine, agent };
    } catch (e) {
      await engine.close();
      throw e;
    }
  }

  async stop(vmid: number): Promise<void> {
    const guest = this.guests.get(vmid);
    if (!guest || !guest.running) return;
    guest.running = false;
    const servers = guest.servers;
    guest.servers = undefined;
    await Promise.all([servers?.engine.close(), servers?.agent.close()]);
    await guest.engine.shutdown();
  }

  async destroy(vmid: number): Promise<void> {
    const guest = this.guests.get(vmid);
    if (!guest) return;
    await this.stop(vmid);
    await guest.engine.dispose();
    this.guests.delete(vmid);
  }

  /** Installs Docker and the agent into a guest that was created without them (e.g. over SSH). */
  async installDocker(vmid: number): Promise<void> {
    const guest = this.guests.get(vmid);
    if (!guest) throw new Error(`guest ${vmid} does not exist`);
    if (guest.spec.dockerPreinstalled) return;
    guest.spec.dockerPreinstalled = true;
    guest.engine.addImage({
      ref: `portainer/agent:${AGENT_VERSION}`,
      exposedPorts: ['9001/tcp'],
    });
    if (this.options.agentContainer !== false)
      this.addAgentContainer(guest.engine);
    if (guest.running) await this.startServices(guest);
  }

  /** The engine of a guest, for direct inspection and behaviour changes in tests. */
  engine(vmid: number): DockerEngine | undefined {
    return this.guests.get(vmid)?.engine;
  }

  /** `http(s)://ip:9001` of a guest's agent. */
  agentUrl(vmid: number): string | undefined {
    const g = this.guests.get(vmid);
    const scheme = this.options.agentTls ? 'https' : 'http';
    return g && `${scheme}://${g.spec.ip}:${AGENT_PORT}`;
  }

  /** `http://ip:2375` of a guest's Docker API. */
  dockerUrl(vmid: number): string | undefined {
    const g = this.guests.get(vmid);
    return g && `http://${g.spec.ip}:${DOCKER_PORT}`;
  }

  /** Every guest with its services and engine state. */
  get state() {
    return {
      guests: [...this.guests.values()].map(g => ({
        ...g.spec,
        running: g.running,
        listening: Boolean(g.servers),
        docker: g.engine.describe(),
      })),
    };
  }

  /** Destroys every guest (end of a test run). */
  async stopAll(): Promise<void> {
    for (const vmid of [...this.guests.keys()]) await this.destroy(vmid);
  }
}
