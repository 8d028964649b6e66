import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import Docker from 'dockerode';
import { PassThrough, Readable, Writable } from 'node:stream';
import { UpstreamApiError } from '../errors';
import { assertInteger } from '../validation';
import { describeConnection, toDockerodeOptions } from './connection';
import {
  assertContainerName,
  assertContainerRef,
  assertEnvKey,
  assertEnvValue,
  assertImageRef,
  assertLabelKey,
  assertLabelValue,
} from './dockerValues';
import { assertPort } from '../validation';
import type {
  ContainerDetails,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
  CreateContainerInput,
  DockerConnectionSpec,
  DockerEventMessage,
  ListContainersOptions,
  LogsOptions,
  RegistryAuth,
} from './types';

/** A running `/events` subscription. */
export interface DockerEventSubscription {
  close(): void;
}

/** The Docker operations the platform needs on one engine. */
export interface DockerApi {
  ping(): Promise<void>;
  pullImage(image: string, auth?: RegistryAuth): Promise<{ status: string }>;
  createContainer(
    input: CreateContainerInput,
  ): Promise<{ id: string; warnings: string[] }>;
  start(container: string): Promise<{ alreadyRunning: boolean }>;
  stop(
    container: string,
    options?: { timeoutSeconds?: number },
  ): Promise<{ alreadyStopped: boolean }>;
  restart(
    container: string,
    options?: { timeoutSeconds?: number },
  ): Promise<void>;
  remove(
    container: string,
    options?: { force?: boolean; volumes?: boolean },
  ): Promise<void>;
  rename(container: string, newName: string): Promise<void>;
  inspect(container: string): Promise<ContainerDetails>;
  listContainers(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  logs(container: string, options?: LogsOptions): Promise<ContainerLogs>;
  stats(container: string): Promise<ContainerStats>;
  waitForHealthy(
    container: string,
    options?: { tries?: number; intervalMs?: number },
  ): Promise<ContainerDetails>;
  subscribeEvents(
    onEvent: (event: DockerEventMessage) => void,
    options?: {
      labels?: Record<string, string | true>;
      types?: string[];
      actions?: string[];
      since?: Date;
      onError?: (e: Error) => void;
    },
  ): Promise<DockerEventSubscription>;
}

/** Options of {@link DockerClient}. */
export interface DockerClientOptions {
  /** Per-request timeout; default 30 s (pulls are not limited by it once streaming). */
  timeoutMs?: number;
}

type DockerodeError = Error & {
  statusCode?: number;
  json?: unknown;
  reason?: string;
  code?: string;
};

function labelFilter(
  labels: Record<string, string | true> | undefined,
): string[] {
  return Object.entries(labels ?? {}).map(([k, v]) => {
    assertLabelKey(k, `labels.${k}`);
    if (v === true) return k;
    return `${k}=${assertLabelValue(v, `labels.${k}`)}`;
  });
}

function nsFromMs(ms: number | undefined, field: string): number | undefined {
  if (ms === undefined) return undefined;
  if (
    typeof ms !== 'number' ||
    !Number.isFinite(ms) ||
    ms < 1 ||
    ms > 24 * 3600 * 1000
  ) {
    throw new InputError(`${field}: must be a duration between 1 ms and 24 h`);
  }
  return Math.round(ms * 1e6);
}

function splitEnv(env: string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/** Parses newline-delimited JSON from a stream, calling back per object. */
function jsonLines(
  stream: Readable,
  onObject: (obj: any) => void,
  onBad?: (line: string) => void,
) {
  let buf = '';
  stream.on('data', (chunk: Buffer | string) => {
    buf += chunk.toString();
    for (let pos = buf.indexOf('\n'); pos >= 0; pos = buf.indexOf('\n')) {
      const line = buf.slice(0, pos).trim();
      buf = buf.slice(pos + 1);
      if (!line) continue;
      try {
        onObject(JSON.parse(line));
      } catch {
        onBad?.(line);
      }
    }
  });
  return () => {
    const rest = buf.trim();
    buf = '';
    if (rest) {
      try {
        onObject(JSON.parse(rest));
      } catch {
        onBad?.(rest);
      }
    }
  };
}

class TextSink extends Writable {
  chunks: Buffer[] = [];
  _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Docker Engine API client over dockerode 5, for one engine (a guest's `ip:2375`, a socket, or
 * SSH with a pinned host key). Every input is validated before a request; every failure is an
 * {@link UpstreamApiError} with system `docker`, the HTTP status and the engine's message.
 */
export class DockerClient implements DockerApi {
  private readonly docker: Docker;
  private readonly target: string;
  /** Set for SSH, where dockerode's socket timeout cannot be used. */
  private readonly ownTimeoutMs?: number;

  constructor(
    connection: DockerConnectionSpec,
    options: DockerClientOptions = {},
  ) {
    const timeoutMs = assertInteger(
      options.timeoutMs ?? 30_000,
      'timeoutMs',
      100,
      3_600_000,
    );
    this.docker = new Docker(toDockerodeOptions(connection, timeoutMs));
    this.target = describeConnection(connection);
    this.ownTimeoutMs = connection.kind === 'ssh' ? timeoutMs : undefined;
  }

  /**
   * Reads `dockerEnv.docker` (see config.d.ts) and connects to `host` (a guest address) with it.
   * `hostKeySha256` is the guest's pinned SSH host key when the configured kind is `ssh`.
   */
  static fromConfig(
    config: Config,
    target: { host?: string; hostKeySha256?: string } = {},
  ): DockerClient {
    const c = config.getOptionalConfig('dockerEnv.docker');
    const kind = c?.getOptionalString('kind') ?? 'tcp';
    const timeoutMs = c?.getOptionalNumber('timeoutMs');
    if (kind === 'socket') {
      return new DockerClient(
        {
          kind,
          socketPath:
            c?.getOptionalString('socketPath') ?? '/var/run/docker.sock',
        },
        { timeoutMs },
      );
    }
    const host = target.host ?? c?.getOptionalString('host');
    if (!host)
      throw new InputError(
        'host: is required (dockerEnv.docker.host or the guest address)',
      );
    if (kind === 'ssh') {
      const ssh = c?.getConfig('ssh');
      return new DockerClient(
        {
          kind,
          host,
          port: ssh?.getOptionalNumber('port') ?? 22,
          username: ssh?.getString('username') ?? '',
          privateKey: ssh?.getString('privateKey') ?? '',
          hostKeySha256:
            target.hostKeySha256 ??
            ssh?.getOptionalString('hostKeySha256') ??
            '',
        },
        { timeoutMs },
      );
    }
    if (kind !== 'tcp')
      throw new InputError(
        'dockerEnv.docker.kind: must be one of tcp, socket, ssh',
      );
    return new DockerClient(
      { kind, host, port: c?.getOptionalNumber('port') ?? 2375 },
      { timeoutMs },
    );
  }

  private fail(operation: string, error: unknown): never {
    const e = error as DockerodeError;
    if (e instanceof UpstreamApiError || e instanceof InputError) throw e;
    const json = e?.json as { message?: string } | Buffer | string | undefined;
    let engineMessage: string | undefined;
    if (
      json &&
      typeof json === 'object' &&
      !Buffer.isBuffer(json) &&
      typeof json.message === 'string'
    ) {
      engineMessage = json.message;
    } else if (Buffer.isBuffer(json) || typeof json === 'string') {
      engineMessage = json.toString().trim().slice(0, 500) || undefined;
    } else if (typeof e?.statusCode === 'number') {
      // streaming calls (pull, events) carry the engine's message only in dockerode's error text
      const m = /^\(HTTP code \d+\) .*? - ([\s\S]*?)\s*$/.exec(e.message ?? '');
      if (m && m[1]) engineMessage = m[1];
    }
    const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
    const reason = engineMessage ?? e?.code ?? e?.reason ?? e?.message;
    const what = status ? `HTTP ${status}` : e?.code ?? 'failed';
    throw new UpstreamApiError(
      `Docker ${operation} on ${this.target}: ${what}: ${reason}`,
      {
        system: 'docker',
        status,
        reason,
        operation,
        cause: e,
      },
    );
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!this.ownTimeoutMs) return await fn();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }),
            ),
          this.ownTimeoutMs,
        );
      });
      return await Promise.race([fn(), timeout]);
    } catch (e) {
      return this.fail(operation, e);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async ping(): Promise<void> {
    await this.call('GET /_ping', () => this.docker.ping());
  }

  /** Pulls an image; fails when the progress stream carried an `{error}` event (dockerode would report success). */
  async pullImage(
    image: string,
    auth?: RegistryAuth,
  ): Promise<{ status: string }> {
    assertImageRef(image);
    if (
      auth &&
      (typeof auth.username !== 'string' || typeof auth.password !== 'string')
    ) {
      throw new InputError('auth: username and password must be strings');
    }
    const operation = 'POST /images/create';
    const stream = (await this.call(operation, () =>
      this.docker.pull(image, auth ? { authconfig: { ...auth } } : {}),
    )) as Readable;
    return new Promise((resolve, reject) => {
      let lastStatus = '';
      let streamError: string | undefined;
      let ended = false;
      const flush = jsonLines(stream, obj => {
        if (obj?.error || obj?.errorDetail)
          streamError ??= String(obj.errorDetail?.message ?? obj.error);
        else if (typeof obj?.status === 'string') lastStatus = obj.status;
      });
      stream.on('error', err => reject(this.failSafe(operation, err)));
      // a connection cut mid-pull may close the stream without 'end' or 'error': never a success
      stream.on('close', () => {
        if (!ended)
          reject(
            new UpstreamApiError(
              `Docker pull of ${image} on ${this.target} failed: stream closed before the pull finished`,
              { system: 'docker', reason: 'stream closed', operation },
            ),
          );
      });
      stream.on('end', () => {
        ended = true;
        flush();
        if (streamError) {
          reject(
            new UpstreamApiError(
              `Docker pull of ${image} on ${this.target} failed: ${streamError}`,
              {
                system: 'docker',
                reason: streamError,
                operation,
              },
            ),
          );
        } else {
          resolve({ status: lastStatus });
        }
      });
    });
  }

  private failSafe(operation: string, e: unknown): Error {
    try {
      return this.fail(operation, e);
    } catch (err) {
      return err as Error;
    }
  }

  async createContainer(
    input: CreateContainerInput,
  ): Promise<{ id: string; warnings: string[] }> {
    const name = assertContainerName(input.name, 'name');
    const image = assertImageRef(input.image, 'image');
    const env = Object.entries(input.env ?? {}).map(
      ([k, v]) =>
        `${assertEnvKey(k, `env.${k}`)}=${assertEnvValue(v, `env.${k}`)}`,
    );
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.labels ?? {}))
      labels[assertLabelKey(k, `labels.${k}`)] = assertLabelValue(
        v,
        `labels.${k}`,
      );
    const exposed: Record<string, object> = {};
    const bindings: Record<
      string,
      Array<{ HostIp: string; HostPort: string }>
    > = {};
    for (const [i, p] of (input.ports ?? []).entries()) {
      const key = `${assertPort(
        p.containerPort,
        `ports[${i}].containerPort`,
      )}/${p.protocol ?? 'tcp'}`;
      if (p.protocol && p.protocol !== 'tcp' && p.protocol !== 'udp')
        throw new InputError(`ports[${i}].protocol: must be tcp or udp`);
      exposed[key] = {};
      if (p.hostIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(p.hostIp))
        throw new InputError(`ports[${i}].hostIp: must be an IPv4 address`);
      (bindings[key] ??= []).push({
        HostIp: p.hostIp ?? '',
        HostPort:
          p.hostPort === undefined
            ? ''
            : String(assertPort(p.hostPort, `ports[${i}].hostPort`)),
      });
    }
    const policy = input.restartPolicy ?? 'no';
    if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(policy)) {
      throw new InputError(
        'restartPolicy: must be one of no, always, unless-stopped, on-failure',
      );
    }
    if (input.maxRetries !== undefined && policy !== 'on-failure')
      throw new InputError('maxRetries: only with restartPolicy on-failure');
    const body: Record<string, unknown> = {
      Image: image,
      Env: env,
      Labels: labels,
      ExposedPorts: exposed,
      HostConfig: {
        PortBindings: bindings,
        RestartPolicy: {
          Name: policy,
          MaximumRetryCount: input.maxRetries ?? 0,
        },
        Memory:
          input.memoryBytes === undefined
            ? 0
            : assertInteger(
                input.memoryBytes,
                'memoryBytes',
                6 * 1024 * 1024,
                2 ** 42,
              ),
        NanoCpus:
          input.cpus === undefined
            ? 0
            : Math.round(this.cpus(input.cpus) * 1e9),
        ...(input.networkMode
          ? { NetworkMode: this.networkMode(input.networkMode) }
          : {}),
      },
    };
    if (input.cmd) body.Cmd = this.argv(input.cmd, 'cmd');
    if (input.entrypoint)
      body.Entrypoint = this.argv(input.entrypoint, 'entrypoint');
    if (input.healthcheck) {
      const h = input.healthcheck;
      if (
        !Array.isArray(h.test) ||
        h.test.length === 0 ||
        !['CMD', 'CMD-SHELL', 'NONE'].includes(h.test[0])
      ) {
        throw new InputError(
          'healthcheck.test: must start with CMD, CMD-SHELL or NONE',
        );
      }
      this.argv(h.test, 'healthcheck.test');
      body.Healthcheck = {
        Test: h.test,
        Interval: nsFromMs(h.intervalMs, 'healthcheck.intervalMs'),
        Timeout: nsFromMs(h.timeoutMs, 'healthcheck.timeoutMs'),
        StartPeriod: nsFromMs(h.startPeriodMs, 'healthcheck.startPeriodMs'),
        Retries:
          h.retries === undefined
            ? undefined
            : assertInteger(h.retries, 'healthcheck.retries', 0, 100),
      };
    }
    // _query/_body keep the body (env values may be secrets) out of the URL, where dockerode would copy it
    const created = await this.call('POST /containers/create', () =>
      this.docker.createContainer({
        _query: { name },
        _body: body,
      } as unknown as Docker.ContainerCreateOptions),
    );
    const raw = created as unknown as {
      id: string;
      data?: { Warnings?: string[] };
    };
    return { id: raw.id, warnings: raw.data?.Warnings ?? [] };
  }

  private cpus(v: unknown): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0.01 || v > 512)
      throw new InputError('cpus: must be a number between 0.01 and 512');
    return v;
  }

  private networkMode(v: string): string {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v))
      throw new InputError(
        'networkMode: must be bridge, host or a network name',
      );
    return v;
  }

  private argv(list: string[], field: string): string[] {
    if (
      !Array.isArray(list) ||
      list.some(a => typeof a !== 'string' || a.includes('\0'))
    ) {
      throw new InputError(
        `${field}: must be a list of strings without NUL characters`,
      );
    }
    return list;
  }

  async start(container: string): Promise<{ alreadyRunning: boolean }> {
    const ref = assertContainerRef(container);
    try {
      await this.docker.getContainer(ref).start();
      return { alreadyRunning: false };
    } catch (e) {
      // dockerode reports 304 (already started) as an error
      if ((e as DockerodeError).statusCode === 304)
        return { alreadyRunning: true };
      return this.fail(`POST /containers/${ref}/start`, e);
    }
  }

  async stop(
    container: string,
    options: { timeoutSeconds?: number } = {},
  ): Promise<{ alreadyStopped: boolean }> {
    const ref = assertContainerRef(container);
    const t =
      options.timeoutSeconds === undefined
        ? undefined
        : assertInteger(options.timeoutSeconds, 'timeoutSeconds', 0, 3600);
    try {
      await this.docker.getContainer(ref).stop(t === undefined ? {} : { t });
      return { alreadyStopped: false };
    } catch (e) {
      if ((e as DockerodeError).statusCode === 304)
        return { alreadyStopped: true };
      return this.fail(`POST /containers/${ref}/stop`, e);
    }
  }

  async restart(
    container: string,
    options: { timeoutSeconds?: number } = {},
  ): Promise<void> {
    const ref = assertContainerRef(container);
    const t =
      options.timeoutSeconds === undefined
        ? undefined
        : assertInteger(options.timeoutSeconds, 'timeoutSeconds', 0, 3600);
    await this.call(`POST /containers/${ref}/restart`, () =>
      this.docker.getContainer(ref).restart(t === undefined ? {} : { t }),
    );
  }

  async remove(
    container: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<void> {
    const ref = assertContainerRef(container);
    await this.call(`DELETE /containers/${ref}`, () =>
      this.docker
        .getContainer(ref)
        .remove({ force: options.force === true, v: options.volumes === true }),
    );
  }

  async rename(container: string, newName: string): Promise<void> {
    const ref = assertContainerRef(container);
    const name = assertContainerName(newName, 'newName');
    await this.call(`POST /containers/${ref}/rename`, () =>
      this.docker.getContainer(ref).rename({ name }),
    );
  }

  async inspect(container: string): Promise<ContainerDetails> {
    const ref = assertContainerRef(container);
    const i = await this.call(`GET /containers/${ref}/json`, () =>
      this.docker.getContainer(ref).inspect(),
    );
    const ports: ContainerDetails['ports'] = [];
    const portMap = (i.NetworkSettings?.Ports ?? {}) as Record<
      string,
      Array<{ HostIp: string; HostPort: string }> | null
    >;
    const exposed = { ...(i.Config?.ExposedPorts ?? {}), ...portMap };
    for (const key of Object.keys(exposed)) {
      const [port, protocol] = key.split('/');
      const bound = portMap[key];
      if (bound && bound.length) {
        for (const b of bound)
          ports.push({
            containerPort: Number(port),
            protocol: protocol ?? 'tcp',
            hostIp: b.HostIp,
            hostPort: Number(b.HostPort),
          });
      } else {
        ports.push({
          containerPort: Number(port),
          protocol: protocol ?? 'tcp',
        });
      }
    }
    const h = i.State?.Health as
      | { Status: string; FailingStreak: number; Log: any[] | null }
      | undefined;
    const health =
      h && ['starting', 'healthy', 'unhealthy'].includes(h.Status)
        ? {
            status: h.Status as 'starting' | 'healthy' | 'unhealthy',
            failingStreak: h.FailingStreak ?? 0,
            log: (h.Log ?? []).map(l => ({
              start: l.Start,
              end: l.End,
              exitCode: l.ExitCode,
              output: l.Output,
            })),
          }
        : undefined;
    return {
      id: i.Id,
      name: i.Name.replace(/^\//, ''),
      image: i.Config?.Image,
      imageId: i.Image,
      created: i.Created,
      state: {
        status: i.State.Status as ContainerDetails['state']['status'],
        running: i.State.Running,
        exitCode: i.State.ExitCode,
        error: i.State.Error ?? '',
        startedAt: i.State.StartedAt,
        finishedAt: i.State.FinishedAt,
      },
      health,
      labels: i.Config?.Labels ?? {},
      env: splitEnv(i.Config?.Env),
      ports,
      restartPolicy: i.HostConfig?.RestartPolicy?.Name || 'no',
      restartCount: i.RestartCount ?? 0,
      memoryBytes: i.HostConfig?.Memory ?? 0,
      nanoCpus: i.HostConfig?.NanoCpus ?? 0,
    };
  }

  async listContainers(
    options: ListContainersOptions = {},
  ): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {};
    const labels = labelFilter(options.labels);
    if (labels.length) filters.label = labels;
    if (options.name !== undefined)
      filters.name = [
        `^/${assertContainerName(options.name, 'name').replace(/\./g, '\\.')}$`,
      ];
    if (options.status) {
      for (const s of options.status) {
        if (
          ![
            'created',
            'restarting',
            'running',
            'removing',
            'paused',
            'exited',
            'dead',
          ].includes(s)
        )
          throw new InputError(`status: unknown status ${s}`);
      }
      filters.status = options.status;
    }
    const list = await this.call('GET /containers/json', () =>
      this.docker.listContainers({
        all: options.all === true,
        filters: JSON.stringify(filters),
      }),
    );
    return list.map(c => ({
      id: c.Id,
      name: (c.Names?.[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      state: c.State,
      status: c.Status,
      labels: c.Labels ?? {},
      created: c.Created,
      ports: (c.Ports ?? []).map(p => ({
        containerPort: p.PrivatePort,
        protocol: p.Type,
        hostIp: p.IP,
        hostPort: p.PublicPort,
      })),
    }));
  }

  /** Logs as text per stream (the multiplexed frames are split with dockerode's demuxer; TTY logs are all stdout). */
  async logs(
    container: string,
    options: LogsOptions = {},
  ): Promise<ContainerLogs> {
    const ref = assertContainerRef(container);
    const query = {
      stdout: options.stdout !== false,
      stderr: options.stderr !== false,
      timestamps: options.timestamps === true,
      tail:
        options.tail === undefined
          ? 'all'
          : String(assertInteger(options.tail, 'tail', 0, 100_000)),
      ...(options.since
        ? { since: Math.floor(options.since.getTime() / 1000) }
        : {}),
      follow: false as const,
    };
    const c = this.docker.getContainer(ref);
    const [raw, info] = await Promise.all([
      this.call(`GET /containers/${ref}/logs`, () =>
        (c.logs as (o: unknown) => Promise<unknown>)(query),
      ),
      this.call(`GET /containers/${ref}/json`, () => c.inspect()),
    ]);
    const buffer = Buffer.isBuffer(raw)
      ? raw
      : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw ?? ''));
    if (info.Config?.Tty)
      return { stdout: buffer.toString('utf8'), stderr: '' };
    const out = new TextSink();
    const err = new TextSink();
    const source = new PassThrough();
    this.docker.modem.demuxStream(source, out, err);
    await new Promise<void>(resolve => {
      source.on('end', () => resolve());
      source.end(buffer);
      source.resume();
    });
    return { stdout: out.text(), stderr: err.text() };
  }

  async stats(container: string): Promise<ContainerStats> {
    const ref = assertContainerRef(container);
    const s = (await this.call(`GET /containers/${ref}/stats`, () =>
      this.docker.getContainer(ref).stats({ stream: false }),
    )) as any;
    const cpuDelta =
      (s.cpu_stats?.cpu_usage?.total_usage ?? 0) -
      (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
    const systemDelta =
      (s.cpu_stats?.system_cpu_usage ?? 0) -
      (s.precpu_stats?.system_cpu_usage ?? 0);
    const cpus =
      s.cpu_stats?.online_cpus ||
      s.cpu_stats?.cpu_usage?.percpu_usage?.length ||
      1;
    const cpuPercent =
      cpuDelta > 0 && systemDelta > 0
        ? (cpuDelta / systemDelta) * cpus * 100
        : 0;
    const mem = s.memory_stats ?? {};
    // what `docker stats` shows: usage minus page cache (inactive_file on cgroup v2, total_inactive_file on v1)
    const cache =
      mem.stats?.inactive_file ??
      mem.stats?.total_inactive_file ??
      mem.stats?.cache ??
      0;
    const usage = Math.max(
      0,
      (mem.usage ?? 0) - (cache < (mem.usage ?? 0) ? cache : 0),
    );
    const limit = mem.limit ?? 0;
    let rx = 0;
    let tx = 0;
    for (const n of Object.values<any>(s.networks ?? {})) {
      rx += n.rx_bytes ?? 0;
      tx += n.tx_bytes ?? 0;
    }
    return {
      cpuPercent: Math.round(cpuPercent * 100) / 100,
      memoryUsageBytes: usage,
      memoryLimitBytes: limit,
      memoryPercent: limit > 0 ? Math.round((usage / limit) * 10000) / 100 : 0,
      networkRxBytes: rx,
      networkTxBytes: tx,
      read: s.read,
    };
  }

  /**
   * Polls inspect until the container is healthy (or running, when it has no health check).
   * Fails fast when it turns unhealthy or exits; fails after `tries` polls otherwise.
   */
  async waitForHealthy(
    container: string,
    options: { tries?: number; intervalMs?: number } = {},
  ): Promise<ContainerDetails> {
    const ref = assertContainerRef(container);
    const tries = assertInteger(options.tries ?? 30, 'tries', 1, 10_000);
    const intervalMs = assertInteger(
      options.intervalMs ?? 1000,
      'intervalMs',
      0,
      600_000,
    );
    const operation = `wait healthy ${ref}`;
    let last: ContainerDetails | undefined;
    for (let i = 0; i < tries; i++) {
      last = await this.inspect(ref);
      if (
        !last.state.running &&
        last.state.status !== 'restarting' &&
        last.state.status !== 'created'
      ) {
        throw new UpstreamApiError(
          `Container ${ref} on ${this.target} is ${last.state.status} (exit code ${last.state.exitCode})`,
          {
            system: 'docker',
            reason: 'exited',
            operation,
          },
        );
      }
      if (last.state.running && !last.health) return last;
      if (last.health?.status === 'healthy') return last;
      if (last.health?.status === 'unhealthy') {
        const output = last.health.log.at(-1)?.output?.trim();
        throw new UpstreamApiError(
          `Container ${ref} on ${this.target} is unhealthy${
            output ? `: ${output}` : ''
          }`,
          {
            system: 'docker',
            reason: 'unhealthy',
            operation,
          },
        );
      }
      if (i < tries - 1) await new Promise(r => setTimeout(r, intervalMs));
    }
    throw new UpstreamApiError(
      `Container ${ref} on ${
        this.target
      } not healthy after ${tries} checks (health: ${
        last?.health?.status ?? last?.state.status
      })`,
      { system: 'docker', reason: 'timeout', operation },
    );
  }

  /** Subscribes to `/events`; the callback gets each event; `close()` ends the stream. */
  async subscribeEvents(
    onEvent: (event: DockerEventMessage) => void,
    options: {
      labels?: Record<string, string | true>;
      types?: string[];
      actions?: string[];
      since?: Date;
      onError?: (e: Error) => void;
    } = {},
  ): Promise<DockerEventSubscription> {
    const filters: Record<string, string[]> = {};
    const labels = labelFilter(options.labels);
    if (labels.length) filters.label = labels;
    for (const [key, list] of [
      ['type', options.types],
      ['event', options.actions],
    ] as const) {
      if (!list) continue;
      for (const v of list)
        if (!/^[a-z_]+(: ?[a-z]+)?$/.test(v))
          throw new InputError(`${key}: invalid value ${JSON.stringify(v)}`);
      filters[key] = [...list];
    }
    const controller = new AbortController();
    const getEvents = this.docker.getEvents.bind(this.docker) as (
      o: unknown,
    ) => Promise<unknown>;
    const stream = (await this.call('GET /events', () =>
      getEvents({
        filters: JSON.stringify(filters),
        ...(options.since
          ? { since: Math.floor(options.since.getTime() / 1000) }
          : {}),
        abortSignal: controller.signal,
      }),
    )) as unknown as Readable;
    jsonLines(stream, obj =>
      onEvent({
        type: obj.Type ?? obj.type,
        action: obj.Action ?? obj.status,
        id: obj.Actor?.ID ?? obj.id,
        attributes: obj.Actor?.Attributes ?? {},
        time: obj.time,
        timeNano: obj.timeNano,
      }),
    );
    stream.on('error', err => {
      if (!controller.signal.aborted)
        options.onError?.(this.failSafe('GET /events', err));
    });
    return {
      close: () => {
        controller.abort();
        stream.destroy();
      },
    };
  }
}
