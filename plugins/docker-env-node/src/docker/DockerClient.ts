import type { Config } from '@backstage/config';
import Docker from 'dockerode';
import { UpstreamApiError } from '../errors';
import { assertInteger } from '../validation';
import { describeConnection, toDockerodeOptions } from './connection';
import {
  dockerConnectionFromConfig,
  type DockerTarget,
} from './connectionFromConfig';
import { buildCreateContainerBody } from './createBody';
import {
  assertContainerName,
  assertContainerRef,
  assertImageRef,
} from './dockerValues';
import { EngineCall, MAX_GRACE_SECONDS } from './engineCall';
import {
  subscribeEvents,
  type DockerEventSubscription,
  type SubscribeEventsOptions,
} from './events';
import { toContainerDetails } from './inspectView';
import { listFilters, toContainerSummaries } from './listView';
import { readLogs, streamLogs } from './logs';
import { pullImage } from './pull';
import { toContainerStats } from './stats';
import type {
  ContainerDetails,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
  CreateContainerInput,
  DockerConnectionSpec,
  DockerEventMessage,
  InspectOptions,
  ListContainersOptions,
  LogStreamHandlers,
  LogsOptions,
  RegistryAuth,
} from './types';

export type { DockerEventSubscription, SubscribeEventsOptions } from './events';

/**
 * The Docker operations the platform needs on one engine.
 *
 * @public
 */
export interface DockerApi {
  ping(): Promise<void>;
  pullImage(image: string, auth?: RegistryAuth): Promise<{ status: string }>;
  /** True when the engine holds the image locally. */
  imagePresent(image: string): Promise<boolean>;
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
  inspect(
    container: string,
    options?: InspectOptions,
  ): Promise<ContainerDetails>;
  listContainers(options?: ListContainersOptions): Promise<ContainerSummary[]>;
  /** Bounded read: last 1000 lines and at most 1 MiB unless asked otherwise. */
  logs(container: string, options?: LogsOptions): Promise<ContainerLogs>;
  /** Chunk by chunk, optionally following new output, until `close()`. */
  streamLogs(
    container: string,
    handlers: LogStreamHandlers,
    options?: LogsOptions & { follow?: boolean },
  ): Promise<{ close(): void }>;
  /**
   * One stats sample. `oneShot` asks the engine not to wait for a second sample (`one-shot=true`): the CPU figure
   * then needs a caller's earlier sample (`cpuTotalNs` / `systemCpuNs` of both).
   */
  stats(
    container: string,
    options?: { oneShot?: boolean },
  ): Promise<ContainerStats>;
  waitForHealthy(
    container: string,
    options?: { tries?: number; intervalMs?: number },
  ): Promise<ContainerDetails>;
  subscribeEvents(
    onEvent: (event: DockerEventMessage) => void,
    options?: SubscribeEventsOptions,
  ): Promise<DockerEventSubscription>;
}

/**
 * Options of {@link DockerClient}.
 *
 * @public
 */
export interface DockerClientOptions {
  /** Deadline of every call in ms (a stop or restart adds its grace period); default 30 s. */
  timeoutMs?: number;
  /** Deadline of a whole image pull in ms; default 15 min. */
  pullTimeoutMs?: number;
}

function graceSeconds(v: number | undefined): number | undefined {
  return v === undefined
    ? undefined
    : assertInteger(v, 'timeoutSeconds', 0, MAX_GRACE_SECONDS);
}

/**
 * Docker Engine API client over dockerode 5, for one engine: through Portainer's Docker proxy, a
 * socket, SSH with a pinned host key, or (loopback labs) plain tcp. Every input is validated
 * before a request; every call has a deadline; every failure is an {@link UpstreamApiError} with
 * system `docker`, the HTTP status and the engine's message.
 *
 * @public
 */
export class DockerClient implements DockerApi {
  private readonly docker: Docker;
  private readonly engine: EngineCall;
  private readonly pullTimeoutMs: number;

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
    this.pullTimeoutMs = assertInteger(
      options.pullTimeoutMs ?? 15 * 60_000,
      'pullTimeoutMs',
      100,
      24 * 3_600_000,
    );
    this.docker = new Docker(toDockerodeOptions(connection, timeoutMs));
    this.engine = new EngineCall(
      this.docker,
      describeConnection(connection),
      timeoutMs,
    );
  }

  /**
   * Reads `dockerEnv.docker` (see config.d.ts) and connects to the engine the caller names: a
   * Portainer environment id (kind `portainer`, the default) or a guest address with its pinned
   * SSH host key (kind `ssh`).
   */
  static fromConfig(config: Config, target: DockerTarget = {}): DockerClient {
    const { connection, timeoutMs } = dockerConnectionFromConfig(
      config,
      target,
    );
    return new DockerClient(connection, { timeoutMs });
  }

  async ping(): Promise<void> {
    await this.engine.run('GET /_ping', abortSignal =>
      // @types/dockerode omits ping's options; dockerode passes abortSignal on
      (this.docker.ping as (o: object) => Promise<unknown>)({ abortSignal }),
    );
  }

  async pullImage(
    image: string,
    auth?: RegistryAuth,
  ): Promise<{ status: string }> {
    return pullImage(this.engine, image, auth, this.pullTimeoutMs);
  }

  async imagePresent(image: string): Promise<boolean> {
    const ref = assertImageRef(image);
    return this.engine.run<boolean>(
      `GET /images/${ref}/json`,
      async () => {
        await this.docker.getImage(ref).inspect();
        return true;
      },
      { accept: { 404: () => false } },
    );
  }

  async createContainer(
    input: CreateContainerInput,
  ): Promise<{ id: string; warnings: string[] }> {
    const { name, body } = buildCreateContainerBody(input);
    // _query/_body keep the body (env values may be secrets) out of the URL, where dockerode would copy it
    const created = await this.engine.run(
      'POST /containers/create',
      abortSignal =>
        this.docker.createContainer({
          _query: { name },
          _body: body,
          abortSignal,
        } as unknown as Docker.ContainerCreateOptions),
    );
    const raw = created as unknown as {
      id: string;
      data?: { Warnings?: string[] };
    };
    return { id: raw.id, warnings: raw.data?.Warnings ?? [] };
  }

  async start(container: string): Promise<{ alreadyRunning: boolean }> {
    const ref = assertContainerRef(container);
    // dockerode reports 304 (already started) as an error
    return this.engine.run<{ alreadyRunning: boolean }>(
      `POST /containers/${ref}/start`,
      async abortSignal => {
        await this.docker.getContainer(ref).start({ abortSignal });
        return { alreadyRunning: false };
      },
      { accept: { 304: () => ({ alreadyRunning: true }) } },
    );
  }

  async stop(
    container: string,
    options: { timeoutSeconds?: number } = {},
  ): Promise<{ alreadyStopped: boolean }> {
    const ref = assertContainerRef(container);
    const t = graceSeconds(options.timeoutSeconds);
    return this.engine.run<{ alreadyStopped: boolean }>(
      `POST /containers/${ref}/stop`,
      async abortSignal => {
        await this.docker
          .getContainer(ref)
          .stop(t === undefined ? { abortSignal } : { t, abortSignal });
        return { alreadyStopped: false };
      },
      {
        accept: { 304: () => ({ alreadyStopped: true }) },
        extraMs: (t ?? 10) * 1000,
      },
    );
  }

  async restart(
    container: string,
    options: { timeoutSeconds?: number } = {},
  ): Promise<void> {
    const ref = assertContainerRef(container);
    const t = graceSeconds(options.timeoutSeconds);
    await this.engine.run(
      `POST /containers/${ref}/restart`,
      abortSignal =>
        this.docker
          .getContainer(ref)
          .restart(t === undefined ? { abortSignal } : { t, abortSignal }),
      { extraMs: (t ?? 10) * 1000 },
    );
  }

  async remove(
    container: string,
    options: { force?: boolean; volumes?: boolean } = {},
  ): Promise<void> {
    const ref = assertContainerRef(container);
    await this.engine.run(`DELETE /containers/${ref}`, abortSignal =>
      this.docker.getContainer(ref).remove({
        force: options.force === true,
        v: options.volumes === true,
        abortSignal,
      }),
    );
  }

  async rename(container: string, newName: string): Promise<void> {
    const ref = assertContainerRef(container);
    const name = assertContainerName(newName, 'newName');
    await this.engine.run(`POST /containers/${ref}/rename`, abortSignal =>
      this.docker.getContainer(ref).rename({ name, abortSignal }),
    );
  }

  /** Inspects a container; env values only with `includeEnv` (they are often secrets). */
  async inspect(
    container: string,
    options: InspectOptions = {},
  ): Promise<ContainerDetails> {
    const ref = assertContainerRef(container);
    const i = await this.engine.run(
      `GET /containers/${ref}/json`,
      abortSignal => this.docker.getContainer(ref).inspect({ abortSignal }),
    );
    return toContainerDetails(i, options);
  }

  async listContainers(
    options: ListContainersOptions = {},
  ): Promise<ContainerSummary[]> {
    const filters = listFilters(options);
    const list = await this.engine.run('GET /containers/json', abortSignal =>
      this.docker.listContainers({
        all: options.all === true,
        filters: JSON.stringify(filters),
        abortSignal,
      }),
    );
    return toContainerSummaries(list);
  }

  async logs(
    container: string,
    options: LogsOptions = {},
  ): Promise<ContainerLogs> {
    return readLogs(this.engine, assertContainerRef(container), options);
  }

  async streamLogs(
    container: string,
    handlers: LogStreamHandlers,
    options: LogsOptions & { follow?: boolean } = {},
  ): Promise<{ close(): void }> {
    return streamLogs(
      this.engine,
      assertContainerRef(container),
      options,
      handlers,
    );
  }

  async stats(
    container: string,
    options: { oneShot?: boolean } = {},
  ): Promise<ContainerStats> {
    const ref = assertContainerRef(container);
    const s = await this.engine.run(
      `GET /containers/${ref}/stats`,
      abortSignal =>
        this.docker.getContainer(ref).stats({
          stream: false,
          ...(options.oneShot ? { 'one-shot': true } : {}),
          abortSignal,
        } as { stream: false }),
    );
    return toContainerStats(s);
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
          `Container ${ref} on ${this.engine.target} is ${last.state.status} (exit code ${last.state.exitCode})`,
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
          `Container ${ref} on ${this.engine.target} is unhealthy${
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
        this.engine.target
      } not healthy after ${tries} checks (health: ${
        last?.health?.status ?? last?.state.status
      })`,
      { system: 'docker', reason: 'timeout', operation },
    );
  }

  /** Subscribes to `/events`; the callback gets each event; `close()` ends the stream. */
  async subscribeEvents(
    onEvent: (event: DockerEventMessage) => void,
    options: SubscribeEventsOptions = {},
  ): Promise<DockerEventSubscription> {
    return subscribeEvents(this.engine, onEvent, options);
  }
}
