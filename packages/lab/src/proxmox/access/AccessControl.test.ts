import { ProxmoxContract } from '../../contracts';
import { ProxmoxSimulator } from '../ProxmoxSimulator';
import { pveCall, pveWaitTask } from '../testCall';
import { AccessControl } from './AccessControl';
import { checkApi2Perm } from './apiCheck';
import {
  createPveRoleToken,
  pveAdminCall,
  setPveRolePrivs,
} from './tokenSetup';

function cluster() {
  const a = new AccessControl();
  a.roles.set('Aud', {
    roleid: 'Aud',
    privs: new Set(['VM.Audit']),
    special: false,
  });
  a.roles.set('Pow', {
    roleid: 'Pow',
    privs: new Set(['VM.PowerMgmt']),
    special: false,
  });
  a.ensureUser('u@pve');
  a.groups.set('g', {});
  return a;
}
const list = (s: Set<string>) => [...s].sort();

describe('PVE privilege evaluation', () => {
  it('propagates down the path only when the ACL says so', () => {
    const a = cluster();
    a.setAcl({
      path: '/vms',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Aud',
      propagate: false,
    });
    expect(list(a.privileges('u@pve', '/vms'))).toEqual(['VM.Audit']);
    expect(list(a.privileges('u@pve', '/vms/100'))).toEqual([]);
    a.setAcl({
      path: '/vms',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Aud',
      propagate: true,
    });
    expect(list(a.privileges('u@pve', '/vms/100'))).toEqual(['VM.Audit']);
    expect(list(a.privileges('u@pve', '/storage/local'))).toEqual([]);
  });

  it('replaces inherited roles with deeper ones, and a user ACL overrides a group ACL on the same path', () => {
    const a = cluster();
    a.users.get('u@pve')!.groups.add('g');
    a.setAcl({
      path: '/',
      type: 'group',
      ugid: 'g',
      roleid: 'Administrator',
      propagate: true,
    });
    expect(a.privileges('u@pve', '/vms/100').has('VM.Allocate')).toBe(true);
    a.setAcl({
      path: '/vms/100',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Aud',
      propagate: true,
    });
    expect(list(a.privileges('u@pve', '/vms/100'))).toEqual(['VM.Audit']);
    a.setAcl({
      path: '/vms',
      type: 'group',
      ugid: 'g',
      roleid: 'NoAccess',
      propagate: true,
    });
    expect(list(a.privileges('u@pve', '/vms/101'))).toEqual([]);
  });

  it('gives a privilege-separated token the intersection of its ACLs and its user’s', () => {
    const a = cluster();
    a.createToken('u@pve', 'sep', { privsep: true });
    a.createToken('u@pve', 'full', { privsep: false });
    a.setAcl({
      path: '/vms',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Aud',
      propagate: true,
    });
    a.setAcl({
      path: '/vms',
      type: 'token',
      ugid: 'u@pve!sep',
      roleid: 'Administrator',
      propagate: true,
    });
    // the token's Administrator is cut down to what the user has
    expect(list(a.privileges('u@pve!sep', '/vms/100'))).toEqual(['VM.Audit']);
    expect(list(a.privileges('u@pve!full', '/vms/100'))).toEqual(['VM.Audit']);
    a.setAcl({
      path: '/vms',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Pow',
      propagate: true,
    });
    a.removeAcl({ path: '/vms', type: 'user', ugid: 'u@pve', roleid: 'Aud' });
    a.setAcl({
      path: '/vms',
      type: 'token',
      ugid: 'u@pve!sep',
      roleid: 'Aud',
      propagate: true,
    });
    a.removeAcl({
      path: '/vms',
      type: 'token',
      ugid: 'u@pve!sep',
      roleid: 'Administrator',
    });
    expect(list(a.privileges('u@pve!sep', '/vms/100'))).toEqual([]);
    expect(list(a.privileges('u@pve!full', '/vms/100'))).toEqual([
      'VM.PowerMgmt',
    ]);
  });

  it('needs every privilege of a check unless told `any`', () => {
    const a = cluster();
    a.setAcl({
      path: '/vms',
      type: 'user',
      ugid: 'u@pve',
      roleid: 'Aud',
      propagate: true,
    });
    const check = (any: boolean) =>
      checkApi2Perm(
        a,
        [
          'perm',
          '/vms/{vmid}',
          ['VM.Audit', 'VM.PowerMgmt'],
          ...(any ? ['any', 1] : []),
        ],
        'u@pve',
        { vmid: 100 },
      );
    expect(() => check(false)).toThrow(
      'Permission check failed (/vms/100, VM.PowerMgmt)',
    );
    expect(check(true)).toBe(true);
  });

  it('answers PVE’s 403 texts', () => {
    const a = cluster();
    expect(() => a.check('u@pve', '/vms/100', ['VM.Allocate'])).toThrow(
      'Permission check failed (/vms/100, VM.Allocate)',
    );
    expect(() =>
      a.check(
        'u@pve',
        '/storage/local',
        ['Datastore.AllocateSpace', 'Datastore.Audit'],
        { any: true },
      ),
    ).toThrow(
      'Permission check failed (/storage/local, Datastore.AllocateSpace|Datastore.Audit)',
    );
  });
});

describe('the simulator enforces privileges over HTTP', () => {
  const contract = ProxmoxContract.load();
  let sim: ProxmoxSimulator;
  beforeEach(async () => {
    sim = await ProxmoxSimulator.start({ latencyScale: 0 });
  });
  afterEach(() => sim.stop());

  it('a token made through /access gets exactly its role, and 403 beyond it', async () => {
    const token = await createPveRoleToken(sim.url, {
      userid: 'portal@pve',
      tokenid: 'ci',
      roleid: 'Cloner',
      privs: [
        'VM.Clone',
        'VM.Allocate',
        'VM.Audit',
        'Datastore.AllocateSpace',
        'SDN.Use',
      ],
      acl: [
        { path: '/vms', propagate: true },
        { path: '/storage/local-lvm', propagate: false },
        { path: '/sdn/zones/localnetwork', propagate: true },
      ],
    });
    const call = (
      m: string,
      p: string,
      params: Record<string, string | number> = {},
    ) => pveCall(sim, contract, m, p, params, token.auth);
    const clone = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 150,
      hostname: 'a',
    });
    expect(clone.status).toBe(200);
    // the token owns its task: no Sys.Audit needed to read it
    expect((await pveWaitTask(sim, contract, clone.body.data)).exitstatus).toBe(
      'OK',
    );
    // no VM.PowerMgmt: PVE's 403 and reason phrase
    const start = await call('POST', '/nodes/pve/lxc/150/status/start');
    expect([start.status, start.reason]).toEqual([
      403,
      'Permission check failed (/vms/150, VM.PowerMgmt)',
    ]);
    // the 403 comes before parameter verification, as pve-http-server checks first
    const bad = await call('PUT', '/nodes/pve/lxc/150/config', { cores: 'x' });
    expect(bad.reason).toBe(
      'Permission check failed (/vms/150, VM.Config.Disk|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.Options)',
    );
    // the clone description: SDN.Use on the bridge
    await setPveRolePrivs(sim.url, 'Cloner', [
      'VM.Clone',
      'VM.Allocate',
      'VM.Audit',
      'Datastore.AllocateSpace',
    ]);
    const noBridge = await call('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 151,
      hostname: 'b',
    });
    expect(noBridge.reason).toBe(
      'Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)',
    );
    // only CTs with VM.Audit are listed; the node's statistics need Sys.Audit
    const resources = await call('GET', '/cluster/resources');
    expect(
      resources.body.data
        .filter((e: any) => e.type === 'lxc')
        .map((e: any) => e.vmid)
        .sort(),
    ).toEqual([150, 9000]);
    expect(
      resources.body.data.find((e: any) => e.type === 'node').maxmem,
    ).toBeUndefined();
    // the datacenter firewall needs Sys.Audit on /
    const fw = await call('GET', '/cluster/firewall/options');
    expect(fw.reason).toBe('Permission check failed (/, Sys.Audit)');
  });

  it('keeps the built-in token Administrator on / and lists its ACL', async () => {
    const acl = (await pveAdminCall(
      sim.url,
      'GET',
      '/access/acl',
    )) as unknown[];
    expect(acl).toContainEqual({
      path: '/',
      type: 'user',
      ugid: 'docker-env@pve',
      roleid: 'Administrator',
      propagate: 1,
    });
    await pveAdminCall(sim.url, 'PUT', '/cluster/firewall/options', {
      enable: 1,
    });
    expect(
      await pveAdminCall(sim.url, 'GET', '/cluster/firewall/options'),
    ).toEqual({ enable: 1 });
    await expect(
      pveAdminCall(sim.url, 'POST', '/access/roles', {
        roleid: 'X',
        privs: 'VM.Nonsense',
      }),
    ).rejects.toThrow("invalid privilege 'VM.Nonsense'");
  });
});
