import type { LabControl } from '../core/LabControl';
import type { TaskOptions } from './context';
import type { ProxmoxSimState, SimTask } from './state';

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/**
 * The node's task workers: each task gets a UPID at once, holds its CT's lock while a power
 * task runs, and ends after the operation's latency with `OK` or its error as exit status.
 */
export class TaskRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private pid = 0x1000;
  private readonly pstart = 0x2a3b4c;

  constructor(
    private readonly state: ProxmoxSimState,
    private readonly control: LabControl,
  ) {}

  /** Keeps new pids above a task's brought back from a saved state. */
  notePid(pid: number): void {
    this.pid = Math.max(this.pid, pid);
  }

  /** Cancels every running task (the simulator is stopping). */
  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Starts a task and answers its UPID. */
  start(options: TaskOptions): string {
    this.pid += 1 + Math.floor(Math.random() * 50);
    const starttime = Math.floor(Date.now() / 1000);
    const node = this.state.node;
    const upid = `UPID:${node}:${hex8(this.pid)}:${hex8(
      this.pstart + this.pid,
    )}:${hex8(starttime)}:${options.type}:${options.id}:${
      options.req.auth.tokenUser
    }:`;
    const task: SimTask = {
      upid,
      node,
      pid: this.pid,
      pstart: this.pstart + this.pid,
      starttime,
      type: options.type,
      id: options.id,
      user: options.req.auth.tokenUser,
      status: 'running',
      log: [],
    };
    this.state.tasks.set(upid, task);
    const vmid = Number(options.id);
    const ct = this.state.containers.get(vmid);
    const holdsLock =
      ct && ['vzstart', 'vzstop', 'vzshutdown'].includes(options.type);
    if (holdsLock) ct.busyWith = upid;
    const fault = options.req.fault;
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      try {
        if (fault?.kind === 'task-fail') throw new Error(fault.exitstatus);
        await options.work(task);
        task.exitstatus = 'OK';
      } catch (err) {
        task.exitstatus =
          String((err as Error)?.message ?? err).trim() || 'unexpected status';
        task.log.push(task.exitstatus);
        try {
          await options.onFail?.(task);
        } catch {
          // cleanup failures stay in the task log only
        }
      } finally {
        if (holdsLock && ct.busyWith === upid) ct.busyWith = undefined;
        task.status = 'stopped';
        task.endtime = Math.floor(Date.now() / 1000);
      }
    }, this.control.latencyOf(options.operation) + (options.durationMs ?? 0));
    this.timers.add(timer);
    return upid;
  }
}
