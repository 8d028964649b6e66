import type { FaultAction, Lab } from '@docker-env/lab';
import { ConfigReader } from '@backstage/config';
import {
  buildLifecycleSteps,
  buildRestoreSteps,
  lifecycleConfig,
  type LifecycleDeps,
  type LifecycleKind,
  type ProvisioningDeps,
  readProvisioningConfig,
} from '@docker-env/plugin-docker-env-workflows-node';
import fsSync from 'node:fs';

/** A fault a test injects into one step of an operation: the call fails, or never answers. */
export type LifecycleFault = 'error' | 'hang';

/**
 * Where a step is hit: the first call (or the `nth`, counted from the start of the operation) of a lab operation
 * that step makes, or the route folder (`open` of a route file's temp file, `readFile` or `unlink` of a route file).
 */
export type FaultPoint =
  | {
      system: 'proxmox' | 'netbox' | 'portainer' | 'guest';
      operation: string;
      nth?: number;
    }
  | { system: 'routeFolder'; call: 'open' | 'unlink' | 'readFile' };

const lab = (
  system: 'proxmox' | 'netbox' | 'portainer' | 'guest',
  operation: string,
  nth?: number,
): FaultPoint => ({ system, operation, nth });
const routeWrite: FaultPoint = { system: 'routeFolder', call: 'open' };

/** The steps that make a started CT's address known everywhere (resume and rollback share them). */
const FOLLOW_IP = {
  // the first address read of the operation (start reads config and status only)
  ip: lab('proxmox', 'proxmox.lxc.interfaces'),
  'portainer-endpoint': lab('portainer', 'portainer.endpoint.get'),
  'netbox-ip': lab('netbox', 'netbox.vm.get'),
};

/**
 * For every step of every lifecycle operation, a lab call only that step makes (or the first of its kind in the
 * operation). `it enumerates every step` compares this table with the step builders, so a new step fails until it
 * has a fault point here.
 */
export const LIFECYCLE_FAULT_POINTS: Record<
  LifecycleKind,
  Record<string, FaultPoint>
> = {
  pause: {
    'record-containers': lab('guest', 'docker.container.list'),
    'route-offline': routeWrite,
    'stop-containers': lab('guest', 'docker.container.stop'),
    shutdown: lab('proxmox', 'proxmox.lxc.shutdown'),
  },
  resume: {
    start: lab('proxmox', 'proxmox.lxc.start'),
    ...FOLLOW_IP,
    containers: lab('guest', 'docker.container.list'),
    route: routeWrite,
  },
  snapshot_create: {
    snapshot: lab('proxmox', 'proxmox.lxc.snapshot.create'),
  },
  snapshot_rollback: {
    rollback: lab('proxmox', 'proxmox.lxc.snapshot.rollback'),
    // the rollback step reads the CT's config once (its mark), the start step next
    start: lab('proxmox', 'proxmox.lxc.config.get', 2),
    ...FOLLOW_IP,
    // the address did not change: the route step reads the route file and has nothing to write
    route: { system: 'routeFolder', call: 'readFile' },
  },
  snapshot_delete: {
    'snapshot-delete': lab('proxmox', 'proxmox.lxc.snapshot.delete'),
  },
  delete: {
    'final-backup': lab('proxmox', 'proxmox.vzdump'),
    routes: { system: 'routeFolder', call: 'unlink' },
    containers: lab('guest', 'docker.container.remove'),
    portainer: lab('portainer', 'portainer.endpoint.delete'),
    lxc: lab('proxmox', 'proxmox.lxc.destroy'),
    netbox: lab('netbox', 'netbox.vm.get'),
  },
  resize: {
    'pve-config': lab('proxmox', 'proxmox.lxc.config.update'),
    netbox: lab('netbox', 'netbox.vm.update'),
    disk: lab('proxmox', 'proxmox.lxc.resize'),
  },
  // each a late call of its step, so that its undo has something to put back
  transfer: {
    'ct-mark': lab('proxmox', 'proxmox.lxc.config.update'),
    netbox: lab('netbox', 'netbox.vm.update'),
    // the old team's revocation: the new team was granted by the first endpoint write
    portainer: lab('portainer', 'portainer.endpoint.update', 2),
    // both owners have a registry: the old one's revocation, after the new one's grant
    registries: lab('portainer', 'portainer.endpoint.registryAccess', 2),
  },
};

/**
 * For every step of a `restore` (a final backup into a new environment), a lab call that step makes; a call late in
 * the step where it has one, so that the step's undo has something to take away.
 */
export const RESTORE_FAULT_POINTS: Record<string, FaultPoint> = {
  // a restore is `POST /nodes/{node}/lxc` with `restore=1`
  restore: lab('proxmox', 'proxmox.lxc.create'),
  start: lab('proxmox', 'proxmox.lxc.start'),
  ip: lab('proxmox', 'proxmox.lxc.interfaces'),
  agent: lab('guest', 'agent.ping'),
  // the endpoint exists by then: its team access is granted last
  portainer: lab('portainer', 'portainer.endpoint.update'),
  // the owner's registries exist by then: the grant on the new endpoint is the step's last call
  registries: lab('portainer', 'portainer.endpoint.registryAccess'),
  route: routeWrite,
  // the VM and its interface exist by then
  netbox: lab('netbox', 'netbox.ipAddress.create'),
};

/** The step names of a `restore`, from its step builder (building touches no client). */
export function restoreStepNames(): string[] {
  const config = readProvisioningConfig(
    new ConfigReader({
      dockerEnv: { traefik: { baseDomain: 'docker.example.com' } },
    }),
  );
  return buildRestoreSteps({} as ProvisioningDeps, config).map(s => s.name);
}

/** The step names of a kind, from the step builder itself (building touches no client). */
export function lifecycleStepNames(kind: LifecycleKind): string[] {
  const config = lifecycleConfig({
    backupStorage: 'backup',
    pausedRoute: { service: 'paused@file' },
  });
  return buildLifecycleSteps(kind, {} as LifecycleDeps, config).map(
    s => s.name,
  );
}

function controls(l: Lab) {
  return {
    proxmox: l.proxmox.control,
    netbox: l.netbox.control,
    portainer: l.portainer.control,
    guest: l.guests.control,
  } as const;
}

/** Drops every fault rule of the lab and restores the route folder (call after each case, before a retry). */
export function clearFaults(l: Lab): void {
  for (const c of Object.values(controls(l))) c.reset();
  jest.restoreAllMocks();
}

/**
 * Makes the step's fault point fail or hang once, for environment `name` (the route folder's calls are matched by
 * its route file's name).
 */
export function injectStepFault(
  l: Lab,
  kind: LifecycleKind,
  step: string,
  fault: LifecycleFault,
  name: string,
): void {
  const point = LIFECYCLE_FAULT_POINTS[kind][step];
  if (!point) throw new Error(`no fault point for step ${step} of ${kind}`);
  injectFaultAt(l, point, fault, name);
}

/** Makes the call at `point` fail or hang once, for environment `name` (see {@link injectStepFault}). */
export function injectFaultAt(
  l: Lab,
  point: FaultPoint,
  fault: LifecycleFault,
  name: string,
): void {
  if (point.system !== 'routeFolder') {
    const action: FaultAction =
      fault === 'error'
        ? { kind: 'fail', status: 500, reason: 'injected by the test' }
        : { kind: 'hang' };
    controls(l)[point.system].injectFault({
      operation: point.operation,
      nth: point.nth,
      action,
    });
    return;
  }
  // the route folder has no lab control: its first matching call fails (EIO) or never settles
  const file =
    point.call === 'open'
      ? `.dockerenv_${name}.yml.tmp-`
      : `/dockerenv_${name}.yml`;
  const original = fsSync.promises[point.call] as (...a: any[]) => any;
  let hit = false;
  // any: one stand-in for several fs.promises calls whose overloads differ; it forwards the arguments as they came
  jest.spyOn(fsSync.promises, point.call).mockImplementation(((
    target: unknown,
    ...rest: unknown[]
  ) => {
    if (!hit && String(target).includes(file)) {
      hit = true;
      if (fault === 'hang') return new Promise(() => {});
      return Promise.reject(
        Object.assign(new Error('injected by the test'), { code: 'EIO' }),
      );
    }
    return original(target, ...rest);
  }) as any);
}

/** Every (kind, step, fault) case of the given kinds, steps from the builders. */
export function faultCases(
  kinds: LifecycleKind[],
): Array<[LifecycleKind, string, LifecycleFault]> {
  return kinds.flatMap(kind =>
    lifecycleStepNames(kind).flatMap(step =>
      (['error', 'hang'] as const).map(
        fault => [kind, step, fault] as [LifecycleKind, string, LifecycleFault],
      ),
    ),
  );
}
