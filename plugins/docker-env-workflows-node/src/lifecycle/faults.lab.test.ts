/* eslint-disable jest/no-conditional-expect -- the expectations follow the observed state of each kind */
import { buildLifecycleSteps } from './buildLifecycleSteps';
import { lifecycleConfig } from './config';
import { decommissionedVmName } from './deleteSteps';
import {
  type LabEnvironment,
  type LifecycleLab,
  type Observed,
  observe,
  PAUSED_SERVICE,
  provisionEnvironment,
  startLifecycleLab,
  WELCOME,
} from '@docker-env/lab-testing/workflows/labEnvironment';
import {
  type InjectedFault,
  runSteps,
} from '@docker-env/lab-testing/workflows/runSteps';
import {
  LIFECYCLE_KINDS,
  type LifecycleDeps,
  type LifecycleKind,
} from './types';

// Short waits so that a hung step meets its timeout quickly (step timeouts derive from them).
const WAITS = {
  // also the slack of every step's API calls: a route write with its fsyncs took over 300 ms on a loaded machine
  taskTimeoutMs: 1000,
  backupTimeoutMs: 300,
  ipTimeoutMs: 300,
  dockerReadyTimeoutMs: 300,
  shutdownTimeoutSeconds: 1,
};

/** Kinds whose failure is undone (the environment is as before); the others roll forward on retry. */
const UNDONE: LifecycleKind[] = [
  'pause',
  'resume',
  'snapshot_create',
  'resize',
];

/** The step names of a kind, from the factory itself (construction touches no client). */
function stepNames(kind: LifecycleKind): string[] {
  const config = lifecycleConfig({
    backupStorage: 'backup',
    pausedRoute: { service: PAUSED_SERVICE },
    ...WAITS,
  });
  return buildLifecycleSteps(kind, {} as LifecycleDeps, config).map(
    s => s.name,
  );
}

/** Lab, route folder, Portainer and NetBox agree with each other about the environment's address. */
function expectConsistent(o: Observed) {
  if (o.ct === 'gone' || o.ct.status !== 'running') return;
  const ip = o.ct.ip;
  for (const hosts of Object.values(o.routes))
    if (hosts !== 'paused')
      for (const h of hosts) expect(h.split(':')[0]).toBe(ip);
  if (o.portainer !== 'gone') expect(o.portainer.url).toBe(`tcp://${ip}:9001`);
  if (o.netbox !== 'gone') expect(o.netbox.ip).toBe(ip);
}

/**
 * Kinds whose fault table runs elsewhere: a transfer needs the owners' teams and registries that only the backend's
 * lab has (plugins/docker-env-backend/src/routes/lifecycleFaults/transfer.lab.test.ts, every step x error and hang).
 */
const FAULTS_ELSEWHERE: LifecycleKind[] = ['transfer'];

const cases = LIFECYCLE_KINDS.filter(
  kind => !FAULTS_ELSEWHERE.includes(kind),
).flatMap(kind =>
  stepNames(kind).flatMap(step =>
    (['error', 'hang'] as InjectedFault[]).map(
      fault => [kind, step, fault] as const,
    ),
  ),
);

describe('lifecycle steps with a fault at every step', () => {
  let l: LifecycleLab;
  let counter = 0;
  const steps = (kind: LifecycleKind) =>
    buildLifecycleSteps(kind, l.deps, l.settings);

  beforeAll(async () => {
    l = await startLifecycleLab(WAITS);
  });
  afterAll(async () => {
    await l?.stop();
  });

  /** A fresh environment in the state the kind starts from. */
  async function prepare(kind: LifecycleKind): Promise<LabEnvironment> {
    const env = await provisionEnvironment(l, `f${++counter}`);
    env.facts.snapshotName = 'base';
    env.facts.snapshotDescription = 'fault test';
    if (kind === 'resume') {
      const paused = await runSteps(steps('pause'), env.target, env.facts);
      expect(paused.ok).toBe(true);
      env.facts = paused.facts;
    }
    if (kind === 'resize') {
      const { cpuCores, memoryMb, diskGb } = env.target;
      env.facts.resizeFrom = { cpuCores, memoryMb, diskGb };
      env.facts.resizeTo = {
        cpuCores: cpuCores + 1,
        memoryMb: memoryMb + 1024,
        diskGb: diskGb + 4,
      };
    }
    if (kind === 'snapshot_rollback' || kind === 'snapshot_delete') {
      expect(
        (await runSteps(steps('snapshot_create'), env.target, env.facts)).ok,
      ).toBe(true);
    }
    return env;
  }

  it('enumerates every step of every kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2 * 20);
    for (const kind of LIFECYCLE_KINDS)
      expect(stepNames(kind).length).toBeGreaterThan(0);
  });

  /** The CT's cores, memory and root disk, and the NetBox VM's vcpus, memory and disk. */
  async function resources(env: LabEnvironment) {
    const ct = l.lab.proxmox.state.containers.get(env.facts.vmid as number)!;
    const vm = await l.deps.netbox.getVirtualMachineById(
      env.facts.netboxVmId as number,
    );
    return {
      cores: ct.config.cores,
      memory: ct.config.memory,
      rootfs: /size=([^,]+)/.exec(String(ct.config.rootfs))?.[1],
      netbox: [vm?.vcpus, vm?.memoryMb, vm?.diskMb],
    };
  }

  it.each(cases)(
    '%s: %s fails with %s, is undone or rolls forward, and the retry succeeds',
    async (kind, step, fault) => {
      const env = await prepare(kind);
      const before = await observe(l, env);
      const resourcesBefore = await resources(env);

      const failed = await runSteps(steps(kind), env.target, env.facts, {
        step,
        fault,
      });
      expect(failed.failed?.step).toBe(step);
      expect(failed.undoErrors).toEqual([]);
      const between = await observe(l, env);
      expectConsistent(between);
      if (UNDONE.includes(kind)) expect(between).toEqual(before);
      // the fault comes after the step ran: a disk that grew stays grown (a volume never shrinks), the rest is undone
      if (kind === 'resize')
        expect(await resources(env)).toEqual({
          ...resourcesBefore,
          ...(step === 'disk' ? { rootfs: `${env.target.diskGb + 4}G` } : {}),
        });

      const retry = await runSteps(
        steps(kind),
        env.target,
        UNDONE.includes(kind) ? env.facts : failed.facts,
      );
      expect(retry.failed).toBeUndefined();
      const after = await observe(l, env);
      expectConsistent(after);
      switch (kind) {
        case 'pause':
          expect(after.ct).toEqual({ status: 'stopped' });
          expect(Object.values(after.routes)).toEqual(['paused', 'paused']);
          expect(retry.facts.runningContainers).toEqual([WELCOME, 'worker']);
          break;
        case 'resume':
          expect(after.ct).toMatchObject({ status: 'running' });
          expect(after.running).toEqual([WELCOME, 'worker']);
          expect(Object.values(after.routes)).not.toContain('paused');
          break;
        case 'snapshot_create':
          expect(after).toEqual({ ...before, snapshots: ['base'] });
          break;
        case 'snapshot_rollback':
          expect(after.ct).toMatchObject({ status: 'running' });
          expect(after.snapshots).toEqual(['base']);
          break;
        case 'snapshot_delete':
          expect(after).toEqual({ ...before, snapshots: [] });
          break;
        case 'resize':
          expect(after).toEqual(before);
          expect(await resources(env)).toEqual({
            cores: env.target.cpuCores + 1,
            memory: env.target.memoryMb + 1024,
            rootfs: `${env.target.diskGb + 4}G`,
            netbox: [
              env.target.cpuCores + 1,
              env.target.memoryMb + 1024,
              (env.target.diskGb + 4) * 1024,
            ],
          });
          expect(retry.facts.appliesAt).toBe('live');
          break;
        case 'delete':
          expect(after).toMatchObject({
            ct: 'gone',
            routes: {},
            portainer: 'gone',
            netbox: {
              name: decommissionedVmName(
                env.target.name,
                env.target.environmentId,
              ),
              status: 'decommissioning',
            },
          });
          break;
        default:
          throw new Error(`unexpected kind ${kind}`);
      }
    },
    30_000,
  );
});
