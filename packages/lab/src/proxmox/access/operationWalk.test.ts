import { PveError } from '../pveHttp';
import { AccessControl } from './AccessControl';
import { checkApi2Perm, type RawParams } from './apiCheck';
import {
  operationPermissions,
  pinnedOperations,
  type PveCheck,
} from './operationTable';

// Sample parameters for every `{name}` the pinned checks use.
const PARAMS: RawParams = {
  node: 'pve',
  vmid: '100',
  newid: '101',
  storage: 'local-lvm',
  userid: 'target@pve',
  tokenid: 'tok',
  groupid: 'ops',
  roleid: 'R',
  path: '/vms/100',
  snapname: 's1',
  name: 'n',
  pos: '0',
  cidr: '10.0.0.1',
  upid: 'UPID:pve:00001000:00002000:00003000:vzstart:100:a@pve!t:',
  volume: 'local-lvm:vm-100-disk-0',
};

type Grant = { path: string; priv: string };

/**
 * One least set of grants that satisfies a check: every privilege of a `perm` (the first one for
 * `any`), the first satisfiable alternative of an `or`, all parts of an `and`. Undefined when a
 * token can never satisfy it (`userid-param self`: a token is not its user).
 */
function grantsFor(check: PveCheck, params: RawParams): Grant[] | undefined {
  const [kind, ...rest] = check;
  const fill = (t: string) =>
    t.replace(/\{(\w+)\}/g, (_m, n) => String(params[n]));
  switch (kind) {
    case 'and': {
      const all: Grant[] = [];
      for (const sub of rest) {
        const g = grantsFor(sub as PveCheck, params);
        if (!g) return undefined;
        all.push(...g);
      }
      return all;
    }
    case 'or':
      for (const sub of rest) {
        const g = grantsFor(sub as PveCheck, params);
        if (g) return g;
      }
      return undefined;
    case 'perm': {
      const [path, privs, ...opts] = rest as [string, string[], ...unknown[]];
      const i = opts.indexOf('require_param');
      if (i >= 0 && params[String(opts[i + 1])] === undefined) return undefined;
      const any = opts.includes('any');
      return (any ? privs.slice(0, 1) : privs).map(priv => ({
        path: fill(path),
        priv,
      }));
    }
    case 'userid-param':
      return rest[0] === 'self'
        ? undefined
        : [{ path: '/access/realm/pve', priv: String(rest[0]) }];
    case 'userid-group':
      return [{ path: '/access/groups', priv: (rest[0] as string[])[0] }];
    case 'perm-modify':
      return [{ path: fill(String(rest[0])), priv: 'Permissions.Modify' }];
    default:
      throw new Error(`unknown check ${kind}`);
  }
}

/** A cluster with the target user, a group, and a caller token holding exactly `grants`. */
function clusterWith(grants: Grant[]) {
  const access = new AccessControl();
  access.ensureUser('target@pve');
  access.groups.set('ops', {});
  access.ensureUser('caller@pve');
  access.createToken('caller@pve', 'walk', { privsep: true });
  grants.forEach((g, i) => {
    access.roles.set(`G${i}`, {
      roleid: `G${i}`,
      privs: new Set([g.priv]),
      special: false,
    });
    for (const [type, ugid] of [
      ['user', 'caller@pve'],
      ['token', 'caller@pve!walk'],
    ] as const) {
      access.setAcl({
        path: g.path,
        type,
        ugid,
        roleid: `G${i}`,
        propagate: false,
      });
    }
  });
  return access;
}

function outcome(access: AccessControl, check: PveCheck, authid: string) {
  try {
    return checkApi2Perm(access, check, authid, PARAMS) ? 'allowed' : 'refused';
  } catch (e) {
    if (e instanceof PveError && e.status === 403) return `403 ${e.message}`;
    throw e;
  }
}

// Every operation of the pinned PVE 9.1 schema goes through the lab's evaluator: its `check` is
// understood, refuses a token with no privileges with PVE's 403, passes with exactly the grants the
// check names, and fails again once any one of those grants is taken away.
describe('every pinned Proxmox operation through the privilege evaluator', () => {
  const ops = pinnedOperations();

  it('covers the whole pinned schema (100 operations)', () => {
    expect(ops.length).toBe(100);
  });

  const checked = ops.filter(op => {
    const [method, template] = op.split(' ');
    return !!operationPermissions(method, template)?.check;
  });

  it('lets any authenticated caller reach the handler of an operation without a check', () => {
    // the handler checks the description, where there is one
    const unchecked = ops.filter(op => !checked.includes(op));
    const users = unchecked.map(op => {
      const [method, template] = op.split(' ');
      return operationPermissions(method, template)?.user;
    });
    expect(new Set(users)).toEqual(new Set(['all']));
  });

  it.each(checked)('%s', op => {
    const [method, template] = op.split(' ');
    const check = operationPermissions(method, template)!.check!;
    const none = clusterWith([]);
    expect(outcome(none, check, 'caller@pve!walk')).toMatch(
      /^403 Permission check failed/,
    );
    const grants = grantsFor(check, PARAMS)!;
    expect(grants).toBeDefined();
    expect(outcome(clusterWith(grants), check, 'caller@pve!walk')).toBe(
      'allowed',
    );
    // and fails again once any one of those grants is taken away
    const withoutOne = grants.map((_, i) =>
      outcome(
        clusterWith(grants.filter((__, j) => j !== i)),
        check,
        'caller@pve!walk',
      ),
    );
    for (const o of withoutOne)
      expect(o).toMatch(/^403 Permission check failed/);
  });
});
