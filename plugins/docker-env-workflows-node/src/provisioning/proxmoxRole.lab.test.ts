import { ConfigReader } from '@backstage/config';
import {
  createPveRoleToken,
  findRepoRoot,
  labClientConfig,
  parsePveShellCommands,
  pveAdminCall,
  pveCommandToApi,
  setPveRolePrivs,
  startLab,
  type Lab,
  type PveApiCall,
} from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  buildRolloutSteps,
  rolloutConfig,
  rolloutDepsFromConfig,
} from '../deployments';
import {
  buildLifecycleSteps,
  lifecycleConfig,
  lifecycleDepsFromConfig,
} from '../lifecycle';
import {
  runSteps,
  type StepRun,
} from '@docker-env/lab-testing/workflows/runSteps';
import type { LifecycleKind } from '../lifecycle/types';
import type { OperationTarget } from '../operations';
import {
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import { listHoldings } from '../reconcile';
import {
  buildProvisionSteps,
  buildRestoreSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
} from '.';
import { runStep, undoAll } from '@docker-env/lab-testing/workflows/driver';

const ROLE = 'DockerEnvPortal';

/** The role and its ACL paths exactly as docs/operations_guide.md tells the operator to create them. */
async function roleFromGuide() {
  const guide = await fs.readFile(
    path.join(findRepoRoot(__dirname), 'docs', 'operations_guide.md'),
    'utf8',
  );
  const calls = parsePveShellCommands(guide)
    .map(pveCommandToApi)
    .filter((c): c is PveApiCall => !!c);
  const add = calls.find(
    c => c.template === '/access/roles' && c.params.roleid === ROLE,
  );
  if (!add) throw new Error(`the guide creates no role ${ROLE}`);
  return {
    privs: add.params.privs.split(',').map(p => p.trim()),
    acl: calls
      .filter(c => c.template === '/access/acl' && c.params.roles === ROLE)
      .map(c => ({
        path: c.params.path,
        propagate: c.params.propagate !== '0',
      })),
  };
}

/** One environment's whole life through the portal's steps, with the role's token; throws at the first failure. */
async function lifeOfAnEnvironment(lab: Lab, config: ConfigReader, n: number) {
  const stage = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  };
  const ok = async (run: Promise<StepRun>): Promise<StepRun> => {
    const r = await run;
    if (!r.ok) throw r.failed!.error;
    return r;
  };
  const proxmox = ProxmoxApiClient.fromConfig(config);
  const target: OperationTarget = {
    environmentId: `env-role-${n}`,
    name: `role-${n}`,
    owner: 'group:default/team-a',
    cpuCores: 2,
    memoryMb: 2048,
    // larger than the template's 8 GiB: provisioning grows the disk
    diskGb: 12,
  };
  let facts: Record<string, unknown> = {};

  // /status probes Proxmox with GET /version
  await stage('status', async () => {
    const res = await fetch(`${lab.urls.proxmox}/version`, {
      headers: {
        Authorization: `PVEAPIToken=${config.getString(
          'dockerEnv.proxmox.tokenId',
        )}=${config.getString('dockerEnv.proxmox.tokenSecret')}`,
      },
    });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  });
  await stage('provision (golden template)', async () => {
    const steps = buildProvisionSteps(
      ProvisioningDeps.fromConfig(config),
      readProvisioningConfig(config),
    );
    facts = (await ok(runSteps(steps, target, {}))).facts;
  });
  await stage('deploy', async () => {
    const steps = buildRolloutSteps(
      rolloutDepsFromConfig(config),
      rolloutConfig({ healthIntervalMs: 20, graceMs: 0, stepTimeoutMs: 5000 }),
      {
        deploymentId: `dep-${n}`,
        image: 'traefik/whoami:latest',
        container: 'web',
        port: 80,
      },
    );
    await ok(runSteps(steps, target, facts));
  });
  // the reconciler lists the CTs from /cluster/resources, which shows only those with VM.Audit
  await stage('reconciler holdings', async () => {
    const holdings = await listHoldings({
      proxmox,
      portainer: PortainerClient.fromConfig(config),
      netbox: NetBoxClient.fromConfig(config),
      routes: TraefikRoutes.fromConfig(config).store,
    });
    if (!holdings.proxmox.ok) throw new Error(holdings.proxmox.error);
    if (
      !holdings.proxmox.items.some(
        i => i.environmentId === target.environmentId,
      )
    )
      throw new Error(`the CT of ${target.environmentId} is not listed`);
  });
  // what the isolation check reads: the datacenter firewall (Sys.Audit on /)
  await stage('datacenter firewall', async () => {
    const res = await fetch(`${lab.urls.proxmox}/cluster/firewall/options`, {
      headers: {
        Authorization: `PVEAPIToken=${config.getString(
          'dockerEnv.proxmox.tokenId',
        )}=${config.getString('dockerEnv.proxmox.tokenSecret')}`,
      },
    });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  });
  const deps = lifecycleDepsFromConfig(config);
  const settings = lifecycleConfig({
    backupStorage: 'backup',
    pausedRoute: { service: 'paused@file' },
    shutdownTimeoutSeconds: 1,
    containerStopTimeoutSeconds: 1,
    taskTimeoutMs: 2000,
    backupTimeoutMs: 2000,
    ipTimeoutMs: 2000,
    dockerReadyTimeoutMs: 2000,
    pollIntervalMs: 20,
  });
  facts = {
    ...facts,
    snapshotName: 'before',
    snapshotDescription: 'role test',
  };
  const kinds: LifecycleKind[] = [
    'snapshot_create',
    'snapshot_rollback',
    'snapshot_delete',
    'pause',
    'resume',
  ];
  for (const kind of kinds) {
    const before = facts;
    const r = await stage(kind, () =>
      ok(runSteps(buildLifecycleSteps(kind, deps, settings), target, before)),
    );
    facts = r.facts;
  }
  // the OS-template path: its Proxmox calls (create, start, the address); the SSH install uses none
  await stage('provision (OS template)', async () => {
    const osConfig = new ConfigReader({
      dockerEnv: {
        ...(config.get('dockerEnv') as object),
        provisioning: {
          ...(config.get('dockerEnv.provisioning') as object),
          source: {
            kind: 'osTemplate',
            ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
            storage: 'local-lvm',
            sshPublicKeys: [
              'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2b8ZpQz0vYb0Yc1W5bq0w2Jx3nq7Xo8Jx8Q7m5n3Y role-test',
            ],
          },
        },
      },
    });
    const steps = buildProvisionSteps(
      ProvisioningDeps.fromConfig(osConfig),
      readProvisioningConfig(osConfig),
    ).filter(s => ['lxc', 'start', 'ip'].includes(s.name));
    const osTarget = {
      ...target,
      environmentId: `env-os-${n}`,
      name: `os-${n}`,
    };
    const osFacts: Record<string, unknown> = {};
    const done = [];
    try {
      for (const s of steps) {
        done.push(s);
        Object.assign(osFacts, await runStep(s, osTarget, osFacts));
      }
    } finally {
      await undoAll(done, osTarget, osFacts);
    }
    if (lab.proxmox.container(osFacts.vmid as number))
      throw new Error('undoing the OS-template CT left it behind');
  });
  await stage('delete', async () => {
    facts = (
      await ok(
        runSteps(buildLifecycleSteps('delete', deps, settings), target, facts),
      )
    ).facts;
  });
  // a deleted environment's final backup restored as a new one, which is deleted in turn
  const restored = {
    ...target,
    environmentId: `env-back-${n}`,
    name: `back-${n}`,
  };
  await stage('restore', async () => {
    const steps = buildRestoreSteps(
      ProvisioningDeps.fromConfig(config),
      readProvisioningConfig(config),
    );
    const r = await ok(
      runSteps(steps, restored, { backupVolid: facts.finalBackupVolid }),
    );
    await ok(
      runSteps(
        buildLifecycleSteps('delete', deps, settings),
        restored,
        r.facts,
      ),
    );
  });
  // the retention job lists the final backups and deletes the old ones
  await stage('prune final backups', async () => {
    const backups = await proxmox.listBackups('backup', facts.vmid as number);
    if (!backups.some(b => b.volid === facts.finalBackupVolid))
      throw new Error(
        `the final backup ${facts.finalBackupVolid} is not listed`,
      );
    for (const backup of backups) {
      const upid = await proxmox.deleteBackup(backup.volid);
      if (upid) await proxmox.waitForTask(upid);
    }
  });
}

// The operations guide's Proxmox role, proven: a token with exactly that role on exactly the guide's paths runs an
// environment's whole life; then each privilege is taken from the role in turn and some call fails with PVE's 403.
describe('the Proxmox role of the operations guide', () => {
  jest.setTimeout(180_000);
  let lab: Lab;
  let routesDir: string;
  let config: ConfigReader;
  let role: Awaited<ReturnType<typeof roleFromGuide>>;
  let tokenId: string;

  beforeAll(async () => {
    role = await roleFromGuide();
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'role-routes-'));
    const token = await createPveRoleToken(lab.urls.proxmox, {
      userid: 'docker-env-role@pve',
      tokenid: 'portal',
      roleid: ROLE,
      privs: role.privs,
      acl: role.acl,
    });
    tokenId = token.id;
    const base = labClientConfig(lab, { routesDir });
    config = new ConfigReader({
      dockerEnv: {
        ...base,
        proxmox: {
          ...base.proxmox,
          tokenId: token.id,
          tokenSecret: token.secret,
        },
        provisioning: {
          agent: { scheme: 'http' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(s => [s, 5000]),
          ),
        },
      },
    });
  });
  afterAll(async () => {
    await lab?.stop();
    if (routesDir) await fs.rm(routesDir, { recursive: true, force: true });
  });

  it('names the role and grants it on the guide’s paths', () => {
    expect(role.privs.length).toBeGreaterThan(5);
    expect(role.acl.map(a => a.path)).toContain('/vms');
    expect(role.acl.find(a => a.path === '/')).toEqual({
      path: '/',
      propagate: false,
    });
  });

  it('is enough for provisioning (both paths), a deployment, every lifecycle operation, the reconciler, delete, restore and backup pruning', async () => {
    await expect(lifeOfAnEnvironment(lab, config, 0)).resolves.toBeUndefined();
  });

  it('needs every privilege it has: without any one of them a call fails with PVE’s 403', async () => {
    const outcomes: Record<string, string> = {};
    let n = 1;
    try {
      for (const priv of role.privs) {
        await setPveRolePrivs(
          lab.urls.proxmox,
          ROLE,
          role.privs.filter(p => p !== priv),
        );
        const failure = await lifeOfAnEnvironment(lab, config, n++).then(
          () => 'no failure',
          (e: Error) => e.message,
        );
        outcomes[priv] = failure;
      }
    } finally {
      await setPveRolePrivs(lab.urls.proxmox, ROLE, role.privs);
    }
    // PVE names what it checked; a bare 403 only comes from an `or` of checks (the clone's VM.Allocate on the new
    // id or on the pool)
    const verdict = (priv: string, failure: string) => {
      const m = /403 Permission check failed(?: \(([^)]*)\))?$/.exec(failure);
      if (!m) return `not a 403: ${failure}`;
      if (m[1] === undefined)
        return /\/clone failed: 403 Permission check failed$/.test(failure)
          ? 'refused'
          : `bare 403 outside the clone: ${failure}`;
      return m[1].split(/[ ,|]+/).includes(priv)
        ? 'refused'
        : `403 for another privilege: ${failure}`;
    };
    expect(
      Object.fromEntries(
        Object.entries(outcomes).map(([p, f]) => [p, verdict(p, f)]),
      ),
    ).toEqual(Object.fromEntries(role.privs.map(p => [p, 'refused'])));
  });

  it('needs every ACL path it is granted on: without any one of them a call fails with PVE’s 403 on that path', async () => {
    const grant = (aclPath: string, propagate: boolean, remove: boolean) =>
      pveAdminCall(lab.urls.proxmox, 'PUT', '/access/acl', {
        path: aclPath,
        roles: ROLE,
        users: 'docker-env-role@pve',
        tokens: tokenId,
        propagate: propagate ? 1 : 0,
        ...(remove ? { delete: 1 } : {}),
      });
    const outcomes: Record<string, string> = {};
    let n = 100;
    for (const { path: aclPath, propagate } of role.acl) {
      await grant(aclPath, propagate, true);
      try {
        outcomes[aclPath] = await lifeOfAnEnvironment(lab, config, n++).then(
          () => 'no failure',
          (e: Error) => e.message,
        );
      } finally {
        await grant(aclPath, propagate, false);
      }
    }
    // the 403 names a path at or below the one taken away (the clone's `or` names none)
    const verdict = (aclPath: string, failure: string) => {
      const m = /403 Permission check failed(?: \(([^,)]*)[,)])?/.exec(failure);
      if (!m) return `not a 403: ${failure}`;
      if (m[1] === undefined) return 'refused';
      const under =
        aclPath === '/'
          ? m[1] === '/'
          : m[1] === aclPath || m[1].startsWith(`${aclPath}/`);
      return under ? 'refused' : `403 on another path: ${failure}`;
    };
    expect(
      Object.fromEntries(
        Object.entries(outcomes).map(([p, f]) => [p, verdict(p, f)]),
      ),
    ).toEqual(Object.fromEntries(role.acl.map(a => [a.path, 'refused'])));
  });
});
