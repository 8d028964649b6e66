import type {
  Holdings,
  MarkedResource,
} from '@docker-env/plugin-docker-env-workflows-node';
import { judgeDrift, type RecordView } from './judgeDrift';

const A = 'a0000000-0000-4000-8000-00000000000a';
const B = 'a0000000-0000-4000-8000-00000000000b';
const GONE = 'a0000000-0000-4000-8000-00000000dead';

const ready: RecordView = {
  id: A,
  name: 'alpha',
  status: 'ready',
  vmid: 101,
  node: 'pve',
};
const deleted: RecordView = {
  id: B,
  name: 'beta',
  status: 'deleted',
  vmid: 102,
  node: 'pve',
};

const item = (
  id: string,
  name: string,
  environmentId: string | undefined,
  extra: Partial<MarkedResource> = {},
): MarkedResource => ({ id, name, environmentId, unmanaged: false, ...extra });

/** A lab where alpha is whole and beta's decommissioned NetBox VM stays. */
function holdings(): Holdings {
  return {
    proxmox: {
      ok: true,
      items: [item('101', 'alpha', A, { status: 'running' })],
    },
    portainer: { ok: true, items: [item('1', 'alpha', A)] },
    netbox: {
      ok: true,
      items: [item('11', 'alpha', A), item('12', `beta-${B}`, B)],
    },
    routes: { ok: true, items: [item('dockerenv_alpha', 'alpha', undefined)] },
  };
}

const judge = (
  h: Holdings,
  records: RecordView[] = [ready, deleted],
  busy: string[] = [],
) =>
  judgeDrift({
    records,
    busyIds: new Set(busy),
    busyNames: new Set(
      records.filter(r => busy.includes(r.id)).map(r => r.name),
    ),
    holdings: h,
  }).map(f => `${f.kind} ${f.resourceKind} ${f.resourceId}`);

describe('judgeDrift', () => {
  it('finds nothing when the systems hold what the records say (a deleted environment keeps its NetBox VM)', () => {
    expect(judge(holdings())).toEqual([]);
  });

  it('flags a missing CT, Portainer environment and NetBox VM of a ready environment', () => {
    const h = holdings();
    h.proxmox = { ok: true, items: [] };
    h.portainer = { ok: true, items: [] };
    h.netbox = { ok: true, items: [item('12', 'beta', B)] };
    expect(judge(h)).toEqual([
      'ct_missing ct 101',
      'endpoint_missing portainer_endpoint alpha',
      'netbox_missing netbox_vm alpha',
    ]);
  });

  it('a CT at the vmid marked for another environment: the record misses its CT, the other one is an orphan', () => {
    const h = holdings();
    h.proxmox = {
      ok: true,
      items: [item('101', 'alpha', GONE, { status: 'running' })],
    };
    expect(judge(h)).toEqual(['ct_missing ct 101', 'orphan ct 101']);
  });

  it('flags a stopped CT of a ready environment and a running CT of a paused one', () => {
    const h = holdings();
    (h.proxmox as any).items[0].status = 'stopped';
    expect(judge(h)).toEqual(['ct_stopped ct 101']);
    (h.proxmox as any).items[0].status = 'running';
    expect(judge(h, [{ ...ready, status: 'paused' }, deleted])).toEqual([
      'ct_running ct 101',
    ]);
  });

  it("flags orphans: no record, a deleted record's CT and route, a second CT of a record", () => {
    const h = holdings();
    (h.proxmox as any).items.push(
      item('200', 'stray', GONE, { status: 'running' }),
      item('201', 'beta', B, { status: 'stopped' }),
      item('202', 'alpha', A, { status: 'running' }),
    );
    (h.portainer as any).items.push(item('5', 'stray', GONE));
    (h.netbox as any).items.push(item('50', 'stray', GONE));
    (h.routes as any).items.push(
      item('dockerenv_beta', 'beta', undefined),
      item('dockerenv_alpha_api', 'alpha', undefined),
    );
    expect(judge(h).sort()).toEqual([
      'orphan ct 200',
      'orphan ct 201',
      'orphan ct 202',
      'orphan netbox_vm 50',
      'orphan portainer_endpoint 5',
      'orphan route dockerenv_beta',
    ]);
  });

  it('leaves everything marked unmanaged alone, and the route file named like it', () => {
    const h = holdings();
    const unmanaged = { unmanaged: true, status: 'running' as const };
    (h.proxmox as any).items.push(item('300', 'handmade', GONE, unmanaged));
    (h.portainer as any).items.push(item('7', 'handmade', GONE, unmanaged));
    (h.netbox as any).items.push(item('70', 'handmade', GONE, unmanaged));
    (h.routes as any).items.push(
      item('dockerenv_handmade', 'handmade', undefined),
    );
    expect(judge(h)).toEqual([]);
  });

  it('skips a busy environment: neither its record nor what carries its mark or name is judged', () => {
    const h = holdings();
    h.proxmox = { ok: true, items: [] };
    (h.routes as any).items.push(
      item('dockerenv_alpha_web', 'alpha', undefined),
    );
    expect(judge(h, [{ ...ready, status: 'ready' }, deleted], [A])).toEqual([]);
    const moving: RecordView = { ...ready, status: 'provisioning' };
    expect(judge(holdings(), [moving, deleted], [A])).toEqual([]);
  });

  it('judges nothing of a system that could not be listed', () => {
    const h = holdings();
    h.proxmox = { ok: false, error: 'timeout' };
    h.portainer = { ok: false, error: 'timeout' };
    h.netbox = { ok: false, error: 'timeout' };
    h.routes = { ok: false, error: 'timeout' };
    expect(judge(h, [ready, { ...deleted, status: 'failed' }])).toEqual([]);
  });
});
