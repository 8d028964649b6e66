import type { FaultAction, LabControl } from '../core/LabControl';
import type { GuestHost } from '../core/GuestHost';
import type { AccessControl } from './access/AccessControl';
import type { ParamSpec, Params } from './params';
import { PveError } from './pveHttp';
import type { ProxmoxSimState, SimContainer, SimTask } from './state';

/** Who is calling: the API token's user and token id. */
export interface SimAuth {
  /** `user@realm!tokenid`, as it appears in UPIDs (the authid privileges are checked for). */
  tokenUser: string;
  user: string;
  isRoot: boolean;
}

/** One API request after auth and parameter verification. */
export interface SimRequest {
  auth: SimAuth;
  params: Params;
  /** The fault LabControl picked for this call (only `task-fail` reaches handlers). */
  fault?: FaultAction;
}

/** Options of a task started by a handler. */
export interface TaskOptions {
  type: string;
  id: string;
  req: SimRequest;
  /** LabControl operation whose latency is the task's duration. */
  operation: string;
  /** Extra ms to wait beyond the operation latency (unscaled), e.g. shutdown timeout logic. */
  durationMs?: number;
  /** The task's work; throw an Error to end it with that message as exitstatus. */
  work: (task: SimTask) => Promise<void> | void;
  /** Cleanup when the task fails (including an injected `task-fail`). */
  onFail?: (task: SimTask) => Promise<void> | void;
}

/** What route handlers get from the simulator. */
export interface SimContext {
  state: ProxmoxSimState;
  control: LabControl;
  guests?: GuestHost;
  /** Users, tokens, roles and ACLs (`/access`), and the privilege checks. */
  access: AccessControl;
  /** The datacenter firewall options. */
  clusterFirewall: Record<string, string | number>;
  now(): number;
  startTask(options: TaskOptions): string;
  /** The CT or PVE's 500 for a missing config file. */
  ct(vmid: number): SimContainer;
}

/** A route of the simulated API. */
export interface SimRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `/api2/json`, with `{param}` placeholders as in the contract. */
  template: string;
  /** LabControl operation name. */
  operation: string;
  /** True when the call answers a UPID at once and the latency is the task's duration. */
  task?: boolean;
  params: Record<string, ParamSpec>;
  indexed?: Record<string, ParamSpec>;
  handle(ctx: SimContext, req: SimRequest): Promise<unknown> | unknown;
}

/** `CT is locked (x)`, as PVE::AbstractConfig::check_lock dies. */
export function checkLock(ct: SimContainer): void {
  if (ct.lock) throw PveError.die(`CT is locked (${ct.lock})`);
  if (ct.busyWith) {
    throw PveError.die(
      `can't lock file '/run/lock/lxc/pve-config-${ct.vmid}.conf' - got timeout`,
    );
  }
}

/** PVE::Tools::assert_if_modified. */
export function assertDigest(
  expected: string | number | undefined,
  actual: string,
): void {
  if (expected !== undefined && expected !== actual) {
    throw PveError.die(
      'detected modified configuration - file changed by other user? Try again.',
    );
  }
}
