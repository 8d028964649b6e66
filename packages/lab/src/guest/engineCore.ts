import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { LabControl } from '../core';
import { statsSample } from './containerStats';
import { addImage, catalogueEntry, findImage, resolvePull } from './imageStore';
import {
  DEFAULT_REGISTRY_IMAGES,
  fakeSha256,
  type LabImageSpec,
} from './images';
import {
  type DockerEvent,
  EngineError,
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

/** Container names dockerd accepts (create and rename). */
export const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
/** The engine keeps its last 256 events for `since` (moby `daemon/events`: `eventsLimit = 256`); older ones are gone. */
const MAX_EVENTS = 256;
const MAX_LOG_LINES = 5000;

/**
 * The engine's state and its bookkeeping: images, container lookup, logs, stats and events.
 * {@link DockerEngine} adds the container lifecycle on top.
 */
export class EngineCore {
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

  protected nameInUse(name: string): SimContainer | undefined {
    return [...this.containers.values()].find(c => c.Name === name);
  }

  /** Appends a line to a container's log (stream 1 stdout, 2 stderr). */
  log(c: SimContainer, stream: 1 | 2, text: string) {
    const line = { stream, time: new Date(), text };
    c.lab.logs.push(line);
    if (c.lab.logs.length > MAX_LOG_LINES)
      c.lab.logs.splice(0, c.lab.logs.length - MAX_LOG_LINES);
    this.emitter.emit(`log:${c.Id}`, line);
  }

  // ----------------------------------------------------------------- stats

  /** One stats sample in the API's shape (`GET /containers/{id}/stats?stream=false`). */
  stats(c: SimContainer) {
    return statsSample(c, this.ncpu, this.memTotal);
  }

  // ---------------------------------------------------------------- events

  protected emitContainer(
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
