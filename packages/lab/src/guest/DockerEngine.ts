import { randomBytes } from 'node:crypto';
import { buildContainer } from './containerSpec';
import { CONTAINER_NAME, type EngineDiskState } from './engineCore';
import { EngineRuntime } from './engineRuntime';
import { fakeSha256, parseImageRef, repoTag } from './images';
import { type ContainerBehaviour, EngineError, markExited } from './model';

/**
 * The in-memory Docker engine of one guest: images, containers, their programs, health checks
 * and events. The HTTP layer ({@link createDockerApiHandler}) translates the API onto it.
 */
export class DockerEngine extends EngineRuntime {
  /** Containers to start at the next daemon boot whatever their policy (state brought back from a file). */
  private readonly resume = new Set<string>();

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

  /** `POST /containers/{id}/stop`: false when it was not running (304). */
  async stopContainer(idOrName: string, manual = true): Promise<boolean> {
    const c = this.findContainer(idOrName);
    if (!c.State.Running && !c.State.Restarting) return false;
    if (manual) c.lab.manuallyStopped = true;
    if (c.State.Restarting) {
      this.cancelRestart(c);
      return true;
    }
    await this.halt(c, 0, '15'); // dockerd's kill event names the signal by number
    this.emitContainer(c, 'stop');
    if (c.HostConfig.AutoRemove) this.forget(c);
    return true;
  }

  /** `POST /containers/{id}/restart`. */
  async restartContainer(idOrName: string): Promise<void> {
    const c = this.findContainer(idOrName);
    if (c.State.Running) {
      await this.halt(c, 0, '15'); // dockerd's kill event names the signal by number
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

  /**
   * The kernel's OOM killer ends the container's program (not an API call: `/_lab/containers/{id}/oom`): dockerd
   * reports `oom`, then `die` with exit code 137 and `State.OOMKilled`; the restart policy applies, as to any exit.
   */
  async oomKill(idOrName: string): Promise<void> {
    const c = this.findContainer(idOrName);
    if (!c.State.Running)
      throw new EngineError(409, `container ${c.Id} is not running`);
    this.emitContainer(c, 'oom');
    c.State.OOMKilled = true;
    await this.programExited(c, 137);
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

  /** The guest shuts down: every program ends; no restart happens until {@link DockerEngine.bootDaemon}. */
  async shutdown(): Promise<void> {
    for (const c of this.containers.values()) {
      if (c.State.Restarting) this.cancelRestart(c);
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
        markExited(c, 255);
        if (c.State.Health) c.State.Health.Status = 'starting';
        if (resumeRunning) this.resume.add(c.Id);
      }
      this.containers.set(c.Id, c);
    }
  }
}
