import fs from 'node:fs/promises';
import path from 'node:path';
import { buildLifecycleSteps } from './buildLifecycleSteps';
import { listEnvironmentContainers, readContainerLogs } from './containers';
import { decommissionedVmName, finalBackupNotes } from './deleteSteps';
import {
  type LifecycleLab,
  observe,
  PAUSED_SERVICE,
  provisionEnvironment,
  startLifecycleLab,
  WELCOME,
} from '@docker-env/lab-testing/workflows/labEnvironment';
import { runSteps } from '@docker-env/lab-testing/workflows/runSteps';
import type { LifecycleKind } from './types';

describe('lifecycle steps against the lab', () => {
  let l: LifecycleLab;
  const steps = (kind: LifecycleKind) =>
    buildLifecycleSteps(kind, l.deps, l.settings);

  beforeAll(async () => {
    l = await startLifecycleLab();
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('pauses and resumes exactly the containers that ran', async () => {
    const env = await provisionEnvironment(l, 'pause-me');
    const before = await observe(l, env);
    expect(before.running).toEqual([WELCOME, 'worker']);
    const ip = env.facts.ip as string;
    expect(before.routes).toEqual({
      'dockerenv_pause-me': [`${ip}:8080`],
      'dockerenv_pause-me_api': [`${ip}:8081`],
    });

    const paused = await runSteps(steps('pause'), env.target, env.facts);
    expect(paused.failed).toBeUndefined();
    expect(paused.facts.runningContainers).toEqual([WELCOME, 'worker']);
    const during = await observe(l, env);
    expect(during.ct).toEqual({ status: 'stopped' });
    expect(during.routes).toEqual({
      'dockerenv_pause-me': 'paused',
      'dockerenv_pause-me_api': 'paused',
    });
    // the host is answered by the paused service, never by the old address
    const main = await l.traefik.getRoute('pause-me');
    expect(main!.http.routers!['dockerenv_pause-me'].service).toBe(
      PAUSED_SERVICE,
    );

    const resumed = await runSteps(steps('resume'), env.target, paused.facts);
    expect(resumed.failed).toBeUndefined();
    const after = await observe(l, env);
    // `old` has restart=always and came back with dockerd: resume stopped it again
    expect(after.running).toEqual([WELCOME, 'worker']);
    expect(after).toEqual(before);
    expect((await fetch(`http://${ip}:8080/`)).status).toBe(200);
  });

  it('creates, lists, rolls back to and deletes a snapshot', async () => {
    const env = await provisionEnvironment(l, 'snappy');
    const facts = {
      ...env.facts,
      snapshotName: 'before-upgrade',
      snapshotDescription: 'before the upgrade',
    };
    const created = await runSteps(steps('snapshot_create'), env.target, facts);
    expect(created.ok).toBe(true);
    const vmid = env.facts.vmid as number;
    expect(await l.proxmox.listSnapshots(vmid)).toEqual([
      expect.objectContaining({
        name: 'before-upgrade',
        description: 'before the upgrade',
      }),
    ]);
    // creating again finds it
    expect(
      (await runSteps(steps('snapshot_create'), env.target, facts)).ok,
    ).toBe(true);

    const rolled = await runSteps(
      steps('snapshot_rollback'),
      env.target,
      facts,
    );
    expect(rolled.failed).toBeUndefined();
    const after = await observe(l, env);
    expect(after.ct).toMatchObject({ status: 'running' });
    expect(after.routes.dockerenv_snappy).toEqual([
      `${(after.ct as { ip: string }).ip}:8080`,
    ]);

    const deleted = await runSteps(steps('snapshot_delete'), env.target, facts);
    expect(deleted.ok).toBe(true);
    expect(await l.proxmox.listSnapshots(vmid)).toEqual([]);
    // rolling back to a snapshot that is gone is a clear error
    const missing = await runSteps(
      steps('snapshot_rollback'),
      env.target,
      facts,
    );
    expect(missing.failed?.error.message).toMatch(
      /snapshotName: environment snappy has no snapshot before-upgrade/,
    );
  });

  it('deletes everything but a final backup and the renamed NetBox VM', async () => {
    const env = await provisionEnvironment(l, 'goner');
    const result = await runSteps(steps('delete'), env.target, env.facts);
    expect(result.failed).toBeUndefined();
    const after = await observe(l, env);
    expect(after).toEqual({
      ct: 'gone',
      running: [],
      routes: {},
      portainer: 'gone',
      netbox: {
        name: decommissionedVmName('goner', env.target.environmentId),
        status: 'decommissioning',
        ip: undefined,
      },
      snapshots: [],
    });
    expect(
      (await fs.readdir(l.routesDir)).filter(f =>
        f.startsWith('dockerenv_goner'),
      ),
    ).toEqual([]);
    const backups = await l.proxmox.listBackups(
      'backup',
      env.facts.vmid as number,
    );
    expect(backups.map(b => b.volid)).toEqual([result.facts.finalBackupVolid]);
    // the name is free: a new environment of that name provisions
    await expect(
      provisionEnvironment(l, 'goner', 'env-goner-again'),
    ).resolves.toBeDefined();
    expect(path.basename(String(result.facts.finalBackupVolid))).toMatch(
      /vzdump-lxc-/,
    );
  });

  it('a retried delete waits for the final backup an earlier attempt started, and makes no second one', async () => {
    const env = await provisionEnvironment(l, 'backed-once');
    const vmid = env.facts.vmid as number;
    // the earlier attempt's vzdump, still running when the retry starts (its backend died mid-step)
    const control = l.lab.proxmox.control;
    control.setLatency('proxmox.vzdump', 1500);
    control.setLatencyScale(1);
    const earlier = await l.proxmox.vzdump(vmid, {
      storage: 'backup',
      mode: 'snapshot',
      notes: finalBackupNotes({ target: env.target } as never),
    });
    control.setLatencyScale(0);
    const result = await runSteps(steps('delete'), env.target, env.facts);
    expect(result.failed).toBeUndefined();
    await l.proxmox.waitForTask(earlier);
    const backups = await l.proxmox.listBackups('backup', vmid);
    expect(backups.map(b => b.volid)).toEqual([result.facts.finalBackupVolid]);
  });

  it('lists containers and reads bounded logs without environment values', async () => {
    const env = await provisionEnvironment(l, 'looked-at');
    const ip = env.facts.ip as string;
    const docker = l.dockerAt(ip);
    const list = await listEnvironmentContainers(docker);
    expect(list.map(c => [c.name, c.state])).toEqual([
      [WELCOME, 'running'],
      ['old', 'exited'],
      ['portainer_agent', 'running'],
      ['worker', 'running'],
    ]);
    expect(list.find(c => c.name === 'worker')).toMatchObject({
      image: 'traefik/whoami:latest',
      health: 'none',
      restartCount: 0,
      ports: [expect.objectContaining({ containerPort: 80, hostPort: 8081 })],
    });

    // the access log line carries the container's API_TOKEN value: it must not come out
    for (let i = 0; i < 5; i++)
      await fetch(`http://${ip}:8081/call-${i}?token=secret-worker-value`);
    const logs = await readContainerLogs(docker, 'worker', { tail: 3 });
    const lines = logs.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('/call-4?token=[redacted]');
    expect(logs.stdout).not.toContain('secret-worker-value');
    await expect(
      readContainerLogs(docker, 'worker', { tail: 0 }),
    ).rejects.toThrow(/^tail: must be a whole number from 1 to 2000/);
  });

  // last: its delete frees a vmid, where a later test would find this environment's final backup
  it("pause, resume and delete change only the route files that carry the environment's mark, and mark those an earlier version wrote", async () => {
    const env = await provisionEnvironment(l, 'marked');
    const api = await fs.readFile(
      path.join(l.routesDir, 'dockerenv_marked_api.yml'),
      'utf8',
    );
    // named like the environment's routes, but one carries no mark and one another environment's
    const unmarked = api
      .split('\n')
      .filter(line => !line.startsWith('#'))
      .join('\n')
      .replaceAll('dockerenv_marked_api', 'dockerenv_marked_extra');
    const foreign = api
      .replace(
        `# docker-env-environment: ${env.target.environmentId}`,
        '# docker-env-environment: env-someone-else',
      )
      .replaceAll('dockerenv_marked_api', 'dockerenv_marked_theirs');
    // as the version before the marks wrote it: its header line, no mark
    const legacy = unmarked
      .replaceAll('dockerenv_marked_extra', 'dockerenv_marked_old')
      .replace(/^/, '# Managed by docker-env: changes are overwritten.\n');
    const legacyFile = path.join(l.routesDir, 'dockerenv_marked_old.yml');
    await fs.writeFile(legacyFile, legacy);
    const extraFile = path.join(l.routesDir, 'dockerenv_marked_extra.yml');
    const theirsFile = path.join(l.routesDir, 'dockerenv_marked_theirs.yml');
    await fs.writeFile(extraFile, unmarked);
    await fs.writeFile(theirsFile, foreign);

    const paused = await runSteps(steps('pause'), env.target, env.facts);
    expect(paused.failed).toBeUndefined();
    const main = await l.traefik.getRoute('marked');
    expect(main!.http.routers!.dockerenv_marked.service).toBe(PAUSED_SERVICE);
    const old = await l.traefik.getRoute('marked', 'old');
    expect(old!.http.routers!.dockerenv_marked_old.service).toBe(
      PAUSED_SERVICE,
    );
    expect(await l.traefik.store.owner('dockerenv_marked_old')).toBe(
      env.target.environmentId,
    );
    expect(await l.traefik.store.owner('dockerenv_marked_extra')).toBeNull();
    const resumed = await runSteps(steps('resume'), env.target, paused.facts);
    expect(resumed.failed).toBeUndefined();
    const deleted = await runSteps(steps('delete'), env.target, resumed.facts);
    expect(deleted.failed).toBeUndefined();
    expect(deleted.facts.routesNotOurs).toEqual([
      'dockerenv_marked_extra',
      'dockerenv_marked_theirs',
    ]);
    expect(
      (await fs.readdir(l.routesDir))
        .filter(f => f.startsWith('dockerenv_marked'))
        .sort(),
    ).toEqual(['dockerenv_marked_extra.yml', 'dockerenv_marked_theirs.yml']);
    expect(await fs.readFile(extraFile, 'utf8')).toBe(unmarked);
    expect(await fs.readFile(theirsFile, 'utf8')).toBe(foreign);
    await fs.rm(extraFile);
    await fs.rm(theirsFile);
  });
});

// The lab's Portainer keeps an endpoint's URL when it is updated, so after a new address its Docker proxy would
// still forward to the old one: this case reaches Docker on the guest directly.
describe('resume after the guest got a new address', () => {
  let l: LifecycleLab;
  const steps = (kind: LifecycleKind) =>
    buildLifecycleSteps(kind, l.deps, l.settings);

  beforeAll(async () => {
    l = await startLifecycleLab({}, 'tcp');
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('resume follows a new address in the route, Portainer and NetBox', async () => {
    const env = await provisionEnvironment(l, 'moving');
    const paused = await runSteps(steps('pause'), env.target, env.facts);
    expect(paused.ok).toBe(true);
    l.lab.portainer.control.reset();
    l.lab.proxmox.control.injectFault({
      operation: 'proxmox.lxc.start',
      action: { kind: 'new-address' },
    });
    const resumed = await runSteps(steps('resume'), env.target, paused.facts);
    l.lab.proxmox.control.reset();
    expect(resumed.failed).toBeUndefined();
    const newIp = resumed.facts.ip as string;
    expect(newIp).not.toBe(env.facts.ip);
    const after = await observe(l, env);
    expect(after.ct).toEqual({ status: 'running', ip: newIp });
    expect(after.running).toEqual([WELCOME, 'worker']);
    expect(after.routes).toEqual({
      dockerenv_moving: [`${newIp}:8080`],
      dockerenv_moving_api: [`${newIp}:8081`],
    });
    expect(after.netbox).toMatchObject({ ip: newIp });
    // the lab's Portainer answers the endpoint update but keeps the URL it had (it models no URL change yet),
    // so what is checked here is that the update was sent; its body is checked in PortainerClient.test.ts
    expect(l.lab.portainer.control.callCount('portainer.endpoint.update')).toBe(
      1,
    );
  });
});
