import { ContainerHttp } from './containerHttp';
import { cpuNsSince, hrNow } from './containerStats';
import { EngineCore } from './engineCore';
import {
  effectiveHealth,
  HEALTH_LOG_MAX,
  healthDisabled,
  runProbe,
} from './health';
import { markExited, rfc3339Nano, type SimContainer } from './model';
import { RunLog } from './runLog';

/**
 * The running side of an engine: each container's program, its timers, health checks, exits
 * and restart policy. {@link DockerEngine} drives it from the API's operations.
 */
export abstract class EngineRuntime extends EngineCore {
  protected readonly programs = new Map<string, ContainerHttp>();
  protected readonly timers = new Map<string, NodeJS.Timeout[]>();
  /** When each container ran and what it used (the guest's load, for the CT's rrd data). */
  readonly runLog = new RunLog();

  protected async boot(c: SimContainer): Promise<void> {
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
    this.runLog.begin(c, c.lab.startedAtMs);
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

  protected addTimer(id: string, timer: NodeJS.Timeout) {
    timer.unref?.();
    const list = this.timers.get(id) ?? [];
    list.push(timer);
    this.timers.set(id, list);
  }

  protected clearTimers(id: string) {
    for (const t of this.timers.get(id) ?? []) clearTimeout(t);
    this.timers.delete(id);
  }

  protected scheduleHealth(c: SimContainer) {
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

  protected async programExited(c: SimContainer, exitCode: number) {
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
  protected async halt(c: SimContainer, exitCode: number, signal?: string) {
    this.clearTimers(c.Id);
    const program = this.programs.get(c.Id);
    this.programs.delete(c.Id);
    await program?.stop();
    if (c.lab.startedAtMs) c.lab.cpuNs += cpuNsSince(c);
    c.lab.startedAtMs = undefined;
    this.runLog.end(c.Id, Date.now());
    if (signal) this.emitContainer(c, 'kill', { signal });
    markExited(c, exitCode);
    if (c.State.Health) c.State.Health.Status = 'unhealthy';
    c.NetworkSettings.Ports = {};
    c.NetworkSettings.IPAddress = '';
    this.emitContainer(c, 'die', { exitCode: String(exitCode) });
  }

  /** Drops a pending restart: the container stays exited. */
  protected cancelRestart(c: SimContainer) {
    this.clearTimers(c.Id);
    Object.assign(c.State, { Status: 'exited', Restarting: false });
  }

  protected forget(c: SimContainer) {
    this.clearTimers(c.Id);
    this.containers.delete(c.Id);
    this.emitContainer(c, 'destroy');
  }
  /** Stops every timer and program (the simulator is going away). */
  async dispose(): Promise<void> {
    for (const id of [...this.timers.keys()]) this.clearTimers(id);
    await Promise.all([...this.programs.values()].map(p => p.stop()));
    this.programs.clear();
    this.emitter.removeAllListeners();
  }
}
