import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { LabControl } from '../core';
import { buildContainer } from './containerSpec';
import { cpuNsSince, hrNow, statsSample } from './containerStats';
import { addImage, catalogueEntry, findImage, resolvePull } from './imageStore';
import { ContainerHttp } from './containerHttp';
import {
  effectiveHealth,
  HEALTH_LOG_MAX,
  healthDisabled,
  runProbe,
} from './health';
import {
  DEFAULT_REGISTRY_IMAGES,
  fakeSha256,
  type LabImageSpec,
  parseImageRef,
  repoTag,
} from './images';
import {
  type ContainerBehaviour,
  type DockerEvent,
  EngineError,
  rfc3339Nano,
  type SimContainer,
  type SimImage,
} from './model';

/** Realistic default latencies (ms) of the engine's operations, modelled on a small LXC guest. */
export const DOCKER_DEFAULT_LATENCIES: Record<string, number> = {
  'docker.ping': 2,
  'docker.image.pull': 1000,
  'docker.image.list': 5,
  'docker.image.inspect': 3,
  'docker.image.remove': 50,
  'docker.container.create': 50,
  'docker.container.start': 300,
  'docker.container.stop': 200,
  'docker.container.restart': 500,
  'docker.container.kill': 50,
  'docker.container.remove': 50,
  'docker.container.rename': 20,
  'docker.container.inspect': 3,
  'docker.container.list': 5,
  'docker.container.logs': 5,
  'docker.container.stats': 1000,
  'agent.ping': 2,
};

/** Engine identity, modelled on Docker Engine 26.1 (API 1.45). */
export const ENGINE_VERSION = {
  Version: '26.1.4',
  ApiVersion: '1.45',
  MinAPIVersion: '1.24',
};

/** Options of one simulated engine. */
export interface DockerEngineOptions {
  /** Host name of the guest (shown in `/info` Name). */
  hostname?: string;
  /** Address published ports bind to (the guest's loopback IP). */
  ip: string;
  control: LabControl;
  /** What the simulated registry can serve. */
  registry?: LabImageSpec[];
  /** Images present locally from the start. */
  images?: Array<string | LabImageSpec>;
  /** CPUs and memory of the guest (for `/info`, stats and validation). */
  ncpu?: number;
  memTotal?: number;
}

/** What {@link DockerEngine.exportState} writes. */
export interface EngineDiskState {
  images: SimImage[];
  containers: SimContainer[];
}

/** Monotonic nanoseconds (stats deltas must be exact even microseconds apart). */

const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MAX_EVENTS = 1000;
const MAX_LOG_LINES = 5000;

/**
 * The in-memory Docker engine of one guest: images, containers, their programs, health checks
 * and events. The HTTP layer ({@link createDockerApiHandler}) translates the API onto it.
 */
export class DockerEngine {
  readonly images = new Map<string, SimImage>();
  readonly containers = new Map<string, SimContainer>();
  readonly events: DockerEvent[] = [];
  /** Pull requests as received (registry credentials recorded without the password). */
  readonly pulls: Array<{
    image: string;
    auth?: { username?: string; serveraddress?: string };
    ok: boolean;
  }> = [];
  readonly emitter = new EventEmitter();
  readonly control: LabControl;
  /** The guest's address; changes only while the guest is down (a new DHCP lease). */
  ip: string;
  readonly hostname: string;
  readonly ncpu: number;
  readonly memTotal: number;
  private readonly registry: LabImageSpec[];
  private readonly programs = new Map<string, ContainerHttp>();
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  /** Containers to start at the next daemon boot whatever their policy (state brought back from a file). */
  private readonly resume = new Set<string>();
  private readonly id = fakeSha256(randomBytes(8).toString('hex'))
    .slice(0, 36)
    .toUpperCase();

  constructor(options: DockerEngineOptions) {
    this.control = options.control;
    this.ip = options.ip;
    this.hostname = options.hostname ?? 'docker-lab';
    this.ncpu = options.ncpu ?? 2;
    this.memTotal = options.memTotal ?? 2 * 1024 ** 3;
    this.registry = options.registry ?? DEFAULT_REGISTRY_IMAGES;
    this.emitter.setMaxListeners(100);
    for (const image of options.images ?? []) {
      const spec =
        typeof image === 'string'
          ? this.catalogueEntry(image) ?? { ref: image }
          : image;
      this.addImage(spec);
    }
  }

  // ---------------------------------------------------------------- images

  private catalogueEntry(ref: string): LabImageSpec | undefined {
    return catalogueEntry(this.registry, ref);
  }

  /** Adds (or re-tags) a local image. */
  addImage(spec: LabImageSpec): SimImage {
    return addImage(this.images, spec);
  }

  /** Finds a local image by reference, full or short id. */
  findImage(nameOrId: string): SimImage | undefined {
    return findImage(this.images, nameOrId);
  }

  /**
   * Resolves a pull before any output is written: throws the errors the real engine answers
   * with an HTTP status (bad reference, unknown repository or tag, registry refusing credentials).
   */
  resolvePull(
    fromImage: string,
    tag: string | undefined,
    auth?: { username?: string; password?: string; serveraddress?: string },
  ) {
    return resolvePull(
      this.registry,
      this.images,
      this.pulls,
      fromImage,
      tag,
      auth,
    );
  }

  /** Removes an image (`DELETE /images/{name}`). */
  removeImage(name: string, force: boolean): Array<Record<string, string>> {
    const image = this.findImage(name);
    if (!image) throw new EngineError(404, `No such image: ${name}`);
    const user = [...this.containers.values()].find(c => c.Image === image.Id);
    if (user && !force) {
      throw new EngineError(
        409,
        `conflict: unable to remove repository reference "${name}" (must force) - container ${user.Id.slice(
          0,
          12,
        )} is using its referenced image ${image.Id.slice(7, 19)}`,
      );
    }
    this.images.delete(image.Id);
    this.emit({
      Type: 'image',
      Action: 'untag',
      id: image.Id,
      name: image.RepoTags[0],
    });
    this.emit({
      Type: 'image',
      Action: 'delete',
      id: image.Id,
      name: image.RepoTags[0],
    });
    return [
      ...image.RepoTags.map(t => ({ Untagged: t })),
      { Deleted: image.Id },
    ];
  }

  // ------------------------------------------------------------ containers

  /** Finds a container by full id, name (with or without slash) or unique id prefix. */
  findContainer(idOrName: string): SimContainer {
    const direct = this.containers.get(idOrName);
    if (direct) return direct;
    const name = idOrName.startsWith('/') ? idOrName : `/${idOrName}`;
    for (const c of this.containers.values()) if (c.Name === name) return c;
    if (/^[a-f0-9]+$/.test(idOrName)) {
      const hits = [...this.containers.values()].filter(c =>
        c.Id.startsWith(idOrName),
      );
      if (hits.length === 1) return hits[0];
      if (hits.length > 1)
        throw new EngineError(
          400,
          `multiple IDs found with provided prefix: ${idOrName}`,
        );
    }
    throw new EngineError(404, `No such container: ${idOrName}`);
  }

  private nameInUse(name: string): SimContainer | undefined {
    return [...this.containers.values()].find(c => c.Name === name);
  }

  /** `POST /containers/create`: validates like dockerd, then records a `created` container. */
  createContainer(
    nameParam: string | undefined,
    body: Record<string, any>,
  ): { Id: string; Warnings: string[] } {
    if (!body || typeof body !== 'object')
      throw new EngineError(
        400,
        'config cannot be empty in order to create a container',
      );
    const id = fakeSha256(randomBytes(16).toString('hex'));
    let name = nameParam ?? '';
    if (name) {
      if (!CONTAINER_NAME.test(name)) {
        throw new EngineError(
          400,
          `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
        );
      }
      name = name.startsWith('/') ? name : `/${name}`;
      const other = this.nameInUse(name);
      if (other) {
        throw new EngineError(
          409,
          `Conflict. The container name "${name}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
    } else {
      name = `/lab_${id.slice(0, 8)}`;
    }
    const imageName = body.Image;
    if (typeof imageName !== 'string' || imageName === '') {
      throw new EngineError(400, 'no command specified');
    }
    if (
      !parseImageRef(imageName) &&
      !/^(sha256:)?[a-f0-9]{12,64}$/.test(imageName)
    ) {
      throw new EngineError(400, 'invalid reference format');
    }
    const image = this.findImage(imageName);
    if (!image)
      throw new EngineError(
        404,
        `No such image: ${
          parseImageRef(imageName)
            ? repoTag(parseImageRef(imageName)!)
            : imageName
        }`,
      );

    const container = buildContainer({
      id,
      name,
      imageName,
      image,
      body,
      ncpu: this.ncpu,
    });
    this.containers.set(id, container);
    this.emitContainer(container, 'create');
    return { Id: id, Warnings: [] };
  }

  /** `POST /containers/{id}/start`: false when it was already running (304). */
  async startContainer(idOrName: string): Promise<boolean> {
    const c = this.findContainer(idOrName);
    if (c.State.Running) return false;
    c.lab.manuallyStopped = false;
    await this.boot(c);
    return true;
  }

  private async boot(c: SimContainer): Promise<void> {
    const program = new ContainerHttp(c, this.ip, (stream, text) =>
      this.log(c, stream, text),
    );
    try {
      await program.start();
    } catch (e) {
      c.State.Error = (e as Error).message;
      c.State.ExitCode = 128;
      this.emitContainer(c, 'die', { exitCode: '128' });
      throw e;
    }
    this.programs.set(c.Id, program);
    const idx = [...this.containers.keys()].indexOf(c.Id);
    const now = new Date();
    Object.assign(c.State, {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      Dead: false,
      OOMKilled: false,
      Pid: 4000 + Math.floor(Math.random() * 60000),
      ExitCode: 0,
      Error: '',
      StartedAt: rfc3339Nano(now),
      FinishedAt: c.State.FinishedAt,
    });
    c.lab.startedAtMs = Date.now();
    c.lab.startedAtNs = hrNow();
    c.NetworkSettings.IPAddress = `172.17.0.${(idx % 250) + 2}`;
    c.NetworkSettings.Gateway = '172.17.0.1';
    c.NetworkSettings.IPPrefixLen = 16;
    Object.assign(c.NetworkSettings.Networks.bridge, {
      IPAddress: c.NetworkSettings.IPAddress,
      Gateway: '172.17.0.1',
      IPPrefixLen: 16,
    });
    this.log(c, 2, `lab: started ${c.Config.Image} as ${c.Name.slice(1)}`);
    this.emitContainer(c, 'start');
    if (!healthDisabled(c.Config.Healthcheck)) {
      c.State.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
      this.scheduleHealth(c);
    } else {
      delete c.State.Health;
    }
    const { exitAfterMs, exitCode } = c.lab.behaviour;
    if (exitAfterMs !== undefined) {
      this.addTimer(
        c.Id,
        setTimeout(() => void this.programExited(c, exitCode), exitAfterMs),
      );
    }
  }

  private addTimer(id: string, timer: NodeJS.Timeout) {
    timer.unref?.();
    const list = this.timers.get(id) ?? [];
    list.push(timer);
    this.timers.set(id, list);
  }

  private clearTimers(id: string) {
    for (const t of this.timers.get(id) ?? []) clearTimeout(t);
    this.timers.delete(id);
  }

  private scheduleHealth(c: SimContainer) {
    const settings = effectiveHealth(c.Config.Healthcheck!);
    const tick = async () => {
      if (!c.State.Running || !c.State.Health || !this.containers.has(c.Id))
        return;
      const start = new Date();
      const fault = this.control.enter('docker.health.check');
      const result = fault
        ? { exitCode: 1, output: 'lab: injected health check failure\n' }
        : await runProbe(c, this.programs.get(c.Id), settings.timeoutMs);
      if (!c.State.Running || !c.State.Health) return;
      const health = c.State.Health;
      health.Log.push({
        Start: rfc3339Nano(start),
        End: rfc3339Nano(new Date()),
        ExitCode: result.exitCode,
        Output: result.output,
      });
      if (health.Log.length > HEALTH_LOG_MAX)
        health.Log.splice(0, health.Log.length - HEALTH_LOG_MAX);
      const before = health.Status;
      if (result.exitCode === 0) {
        health.FailingStreak = 0;
        health.Status = 'healthy';
      } else {
        const inStartPeriod =
          Date.now() - (c.lab.startedAtMs ?? 0) < settings.startPeriodMs;
        if (!(inStartPeriod && health.Status === 'starting')) {
          health.FailingStreak += 1;
          if (health.FailingStreak >= settings.retries)
            health.Status = 'unhealthy';
        }
      }
      if (health.Status !== before)
        this.emitContainer(c, `health_status: ${health.Status}`);
      this.addTimer(
        c.Id,
        setTimeout(() => void tick(), settings.intervalMs),
      );
    };
    this.addTimer(
      c.Id,
      setTimeout(() => void tick(), settings.intervalMs),
    );
  }

  private async programExited(c: SimContainer, exitCode: number) {
    if (!c.State.Running) return;
    await this.halt(c, exitCode);
    const p = c.HostConfig.RestartPolicy;
    const restart =
      p.Name === 'always' ||
      (p.Name === 'unless-stopped' && !c.lab.manuallyStopped) ||
      (p.Name === 'on-failure' &&
        exitCode !== 0 &&
        (p.MaximumRetryCount === 0 || c.RestartCount < p.MaximumRetryCount));
    if (!restart) return;
    // dockerd's restart manager backs off from 100 ms, doubling up to a minute
    const backoff = Math.min(100 * 2 ** c.RestartCount, 60_000);
    c.State.Restarting = true;
    c.State.Status = 'restarting';
    this.addTimer(
      c.Id,
      setTimeout(() => {
        if (!this.containers.has(c.Id) || !c.State.Restarting) return;
        c.RestartCount += 1;
        this.boot(c).catch(() => undefined);
      }, backoff),
    );
  }

  /** Ends a running container's program: state exited, events kill/die. */
  private async halt(c: SimContainer, exitCode: number, signal?: string) {
    this.clearTimers(c.Id);
    const program = this.programs.get(c.Id);
    this.programs.delete(c.Id);
    await program?.stop();
    if (c.lab.startedAtMs) c.lab.cpuNs += cpuNsSince(c);
    c.lab.startedAtMs = undefined;
    if (signal) this.emitContainer(c, 'kill', { signal });
    Object.assign(c.State, {
      Status: 'exited',
      Running: false,
      Paused: false,
      Restarting: false,
      Pid: 0,
      ExitCode: exitCode,
      FinishedAt: rfc3339Nano(new Date()),
    });
    if (c.State.Health) c.State.Health.Status = 'unhealthy';
    c.NetworkSettings.Ports = {};
    c.NetworkSettings.IPAddress = '';
    this.emitContainer(c, 'die', { exitCode: String(exitCode) });
  }

  /** `POST /containers/{id}/stop`: false when it was not running (304). */
  async stopContainer(idOrName: string, manual = true): Promise<boolean> {
    const c = this.findContainer(idOrName);
    if (!c.State.Running && !c.State.Restarting) return false;
    if (manual) c.lab.manuallyStopped = true;
    if (c.State.Restarting) {
      this.clearTimers(c.Id);
      Object.assign(c.State, { Status: 'exited', Restarting: false });
      return true;
    }
    await this.halt(c, 0, 'SIGTERM');
    this.emitContainer(c, 'stop');
    if (c.HostConfig.AutoRemove) this.forget(c);
    return true;
  }

  /** `POST /containers/{id}/restart`. */
  async restartContainer(idOrName: string): Promise<void> {
    const c = this.findContainer(idOrName);
    if (c.State.Running) {
      await this.halt(c, 0, 'SIGTERM');
      this.emitContainer(c, 'stop');
    }
    c.lab.manuallyStopped = false;
    await this.boot(c);
    this.emitContainer(c, 'restart');
  }

  /** `POST /containers/{id}/kill`. */
  async killContainer(idOrName: string, signal = 'SIGKILL'): Promise<void> {
    const c = this.findContainer(idOrName);
    if (!c.State.Running) {
      throw new EngineError(
        409,
        `Cannot kill container: ${idOrName}: container ${c.Id} is not running`,
      );
    }
    let sig = signal.toUpperCase();
    if (!sig.startsWith('SIG') && !/^\d+$/.test(sig)) sig = `SIG${sig}`;
    const num: Record<string, number> = {
      SIGKILL: 9,
      SIGTERM: 15,
      SIGINT: 2,
      SIGHUP: 1,
      SIGQUIT: 3,
      SIGUSR1: 10,
      SIGUSR2: 12,
    };
    const code = /^\d+$/.test(sig) ? Number(sig) : num[sig];
    if (code === undefined)
      throw new EngineError(400, `Invalid signal: ${signal}`);
    c.lab.manuallyStopped = true;
    await this.halt(c, 128 + code, String(code));
  }

  /** `POST /containers/{id}/rename`. */
  renameContainer(idOrName: string, newName: string | undefined): void {
    const c = this.findContainer(idOrName);
    if (!newName)
      throw new EngineError(400, 'Neither old nor new names may be empty');
    if (!CONTAINER_NAME.test(newName)) {
      throw new EngineError(
        400,
        `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      );
    }
    const name = newName.startsWith('/') ? newName : `/${newName}`;
    if (name === c.Name)
      throw new EngineError(
        400,
        'Renaming a container with the same name as its current name',
      );
    const other = this.nameInUse(name);
    if (other) {
      throw new EngineError(
        409,
        `Error when allocating new name: Conflict. The container name "${name}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const oldName = c.Name;
    c.Name = name;
    this.emitContainer(c, 'rename', { oldName });
  }

  /** `DELETE /containers/{id}`. */
  async removeContainer(idOrName: string, force: boolean): Promise<void> {
    const c = this.findContainer(idOrName);
    if (c.State.Running || c.State.Restarting) {
      if (!force) {
        throw new EngineError(
          409,
          `cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`,
        );
      }
      if (c.State.Running) await this.halt(c, 137, '9');
    }
    this.forget(c);
  }

  private forget(c: SimContainer) {
    this.clearTimers(c.Id);
    this.containers.delete(c.Id);
    this.emitContainer(c, 'destroy');
  }

  /** Appends a line to a container's log (stream 1 stdout, 2 stderr). */
  log(c: SimContainer, stream: 1 | 2, text: string) {
    const line = { stream, time: new Date(), text };
    c.lab.logs.push(line);
    if (c.lab.logs.length > MAX_LOG_LINES)
      c.lab.logs.splice(0, c.lab.logs.length - MAX_LOG_LINES);
    this.emitter.emit(`log:${c.Id}`, line);
  }

  /** Changes how a container's program answers (e.g. make its health endpoint fail now). */
  setBehaviour(
    idOrName: string,
    patch: Partial<ContainerBehaviour>,
  ): ContainerBehaviour {
    const c = this.findContainer(idOrName);
    Object.assign(c.lab.behaviour, patch);
    return c.lab.behaviour;
  }

  // ------------------------------------------------------------- the guest

  /** The guest shuts down: every program ends; no restart happens until {@link DockerEngine.boot}. */
  async shutdown(): Promise<void> {
    for (const c of this.containers.values()) {
      if (c.State.Restarting) {
        this.clearTimers(c.Id);
        Object.assign(c.State, { Status: 'exited', Restarting: false });
      }
      if (c.State.Running) await this.halt(c, 0, '15');
    }
  }

  /** The daemon starts: containers with restart policy always / unless-stopped (not stopped by hand) come back. */
  async bootDaemon(): Promise<void> {
    for (const c of this.containers.values()) {
      const p = c.HostConfig.RestartPolicy.Name;
      if (c.State.Running) continue;
      if (
        this.resume.has(c.Id) ||
        p === 'always' ||
        (p === 'unless-stopped' && !c.lab.manuallyStopped)
      ) {
        await this.boot(c).catch(() => undefined);
      }
    }
    this.resume.clear();
  }

  /** The engine's disk: images and containers (plain JSON; programs and timers are not kept). */
  exportState(): EngineDiskState {
    return JSON.parse(
      JSON.stringify({
        images: [...this.images.values()],
        containers: [...this.containers.values()].map(c => ({
          ...c,
          lab: { ...c.lab, logs: c.lab.logs.slice(-200) },
        })),
      }),
    );
  }

  /**
   * Replaces images and containers with an exported state (the engine must be down). Containers
   * that were running are marked exited; with `resumeRunning` the next daemon boot starts them
   * again (the lab coming back), otherwise only their restart policy does (a restored backup).
   */
  importState(state: EngineDiskState, resumeRunning: boolean): void {
    this.images.clear();
    this.containers.clear();
    for (const image of state.images) this.images.set(image.Id, image);
    for (const c of state.containers) {
      const wasRunning = c.State.Running;
      c.lab.logs = c.lab.logs.map(l => ({ ...l, time: new Date(l.time) }));
      c.lab.startedAtNs = undefined;
      c.lab.lastSample = undefined;
      if (wasRunning || c.State.Restarting || c.State.Paused) {
        Object.assign(c.State, {
          Status: 'exited',
          Running: false,
          Paused: false,
          Restarting: false,
          Pid: 0,
          ExitCode: 255,
          FinishedAt: rfc3339Nano(new Date()),
        });
        if (c.State.Health) c.State.Health.Status = 'starting';
        if (resumeRunning) this.resume.add(c.Id);
      }
      this.containers.set(c.Id, c);
    }
  }

  /** Stops every timer and program (the simulator is going away). */
  async dispose(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.clearTimers(id);
    await Promise.all([...this.programs.values()].map(p => p.stop()));
    this.programs.clear();
    this.emitter.removeAllListeners();
  }

  // ----------------------------------------------------------------- stats

  /** One stats sample in the API's shape (`GET /containers/{id}/stats?stream=false`). */
  stats(c: SimContainer) {
    return statsSample(c, this.ncpu, this.memTotal);
  }

  // ---------------------------------------------------------------- events

  private emitContainer(
    c: SimContainer,
    action: string,
    extra: Record<string, string> = {},
  ) {
    const attributes = {
      ...c.Config.Labels,
      image: c.Config.Image,
      name: c.Name.slice(1),
      ...extra,
    };
    this.pushEvent({
      status: action,
      id: c.Id,
      from: c.Config.Image,
      Type: 'container',
      Action: action,
      Actor: { ID: c.Id, Attributes: attributes },
    });
  }

  /** Records an image event. */
  emit(e: { Type: 'image'; Action: string; id: string; name: string }) {
    this.pushEvent({
      status: e.Action,
      id: e.id,
      Type: 'image',
      Action: e.Action,
      Actor: { ID: e.id, Attributes: { name: e.name } },
    });
  }

  private pushEvent(e: Omit<DockerEvent, 'scope' | 'time' | 'timeNano'>) {
    const nowMs = Date.now();
    const event: DockerEvent = {
      ...e,
      scope: 'local',
      time: Math.floor(nowMs / 1000),
      timeNano: nowMs * 1e6,
    };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS)
      this.events.splice(0, this.events.length - MAX_EVENTS);
    this.emitter.emit('event', event);
  }

  /** Counters for `/info`. */
  counts() {
    const all = [...this.containers.values()];
    return {
      Containers: all.length,
      ContainersRunning: all.filter(c => c.State.Running).length,
      ContainersPaused: all.filter(c => c.State.Paused).length,
      ContainersStopped: all.filter(c => !c.State.Running && !c.State.Paused)
        .length,
      Images: this.images.size,
    };
  }

  /** The engine's ID as `/info` shows it. */
  get engineId(): string {
    return this.id;
  }

  /** A JSON view for `GET /_lab/state`. */
  describe() {
    return {
      hostname: this.hostname,
      ip: this.ip,
      images: [...this.images.values()],
      containers: [...this.containers.values()].map(c => ({
        Id: c.Id,
        Name: c.Name,
        Image: c.Config.Image,
        State: c.State,
        Labels: c.Config.Labels,
        Ports: c.NetworkSettings.Ports,
        RestartCount: c.RestartCount,
        behaviour: c.lab.behaviour,
      })),
      pulls: this.pulls,
      events: this.events.length,
    };
  }
}
