import { NetBoxSimulator } from './NetBoxSimulator';
import { netboxTestCall } from './testing';

const VMS = '/api/virtualization/virtual-machines/';
const TYPES = '/api/virtualization/cluster-types/';

describe('NetBoxSimulator checks requests against the NetBox 4.5.3 contract', () => {
  let sim: NetBoxSimulator;
  const call = netboxTestCall(() => sim.url);

  afterEach(() => sim.stop());

  describe('as NetBox answers', () => {
    beforeEach(async () => {
      sim = await NetBoxSimulator.start({ latencyScale: 0 });
    });

    it('answers 404 for a path outside the API and 405 for a method the path does not take', async () => {
      const missing = await call('GET', '/api/virtualization/vms/');
      expect(missing).toMatchObject({ status: 404 });
      expect(missing.body).toContain('Page Not Found');
      expect(await call('POST', `${VMS}1/`, { name: 'x' })).toEqual({
        status: 405,
        type: 'application/json',
        body: { detail: 'Method "POST" not allowed.' },
      });
      // in the contract (bulk update) but not simulated: said so, not faked
      const bulk = await call('PATCH', TYPES, [{ id: 1, name: 'x' }]);
      expect(bulk.status).toBe(501);
      expect(bulk.body.detail).toMatch(/^lab: /);
    });

    it('answers DRF field errors for mistyped fields, with the simulator own errors, and creates nothing', async () => {
      const res = await call('POST', TYPES, {
        slug: 'proxmox',
        description: ['not', 'a', 'string'],
        tags: 'docker-env',
      });
      expect(res).toMatchObject({
        status: 400,
        body: {
          name: ['This field is required.'],
          description: ['Not a valid string.'],
          tags: ['Expected a list of items but got type "str".'],
        },
      });
      expect((await call('GET', TYPES)).body.count).toBe(0);
      // DRF coerces numeric strings: NetBox takes these, so the lab does too
      const made = await call('POST', TYPES, { name: 'Proxmox', slug: 'px' });
      expect(made.status).toBe(201);
      const cluster = await call('POST', '/api/virtualization/clusters/', {
        name: 'c1',
        type: String(made.body.id),
      });
      expect(cluster.status).toBe(201);
      expect(sim.contractDrift).toEqual([]);
    });

    it('catches a drifting client: an unknown body field or filter is refused by default and recorded', async () => {
      const typo = await call('POST', TYPES, {
        name: 'Proxmox',
        slug: 'proxmox',
        descripton: 'typo',
      });
      expect(typo.status).toBe(400);
      expect(typo.body.descripton[0]).toMatch(
        /^lab: not a field of ClusterTypeRequest .*NetBox ignores it/,
      );
      expect((await call('GET', TYPES)).body.count).toBe(0);
      const filter = await call('GET', `${VMS}?nmae=env-a`);
      expect(filter.status).toBe(400);
      expect(filter.body.nmae[0]).toMatch(/NetBox ignores unknown filters/);
      // documented families beyond the contract's filters are fine
      expect(
        (await call('GET', `${VMS}?cf_env_id=1&brief=1&limit=5`)).status,
      ).toBe(200);
      expect(sim.contractDrift.map(d => [d.method, d.field])).toEqual([
        ['POST', 'descripton'],
        ['GET', 'nmae'],
      ]);
    });
  });

  it('with unknownInput "ignore" answers exactly as NetBox (ignores) and still records the drift', async () => {
    sim = await NetBoxSimulator.start({
      latencyScale: 0,
      unknownInput: 'ignore',
    });
    const made = await call('POST', TYPES, {
      name: 'Proxmox',
      slug: 'proxmox',
      descripton: 'typo',
    });
    expect(made.status).toBe(201);
    expect(made.body.description).toBe('');
    expect((await call('GET', `${TYPES}?nmae=zzz`)).body.count).toBe(1);
    expect(sim.contractDrift.map(d => d.field)).toEqual(['descripton', 'nmae']);
  });
});
