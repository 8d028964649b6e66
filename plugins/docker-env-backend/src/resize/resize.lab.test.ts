import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ALICE = 'user:default/alice';
const GiB = 1024 ** 3;

/** Resize through `PATCH /environments/{name}` against the lab: within and over the quota, paused, a lowered quota. */
describe.each(databases.eachSupportedId())(
  'resize through the API against the lab on %p',
  databaseId => {
    let l: LabBackend;
    let knex: Knex;
    const call = (
      method: 'get' | 'patch' | 'put' | 'post',
      path: string,
      user = 'alice',
    ) =>
      request(l.server)[method](`${API}${path}`).set('Authorization', as(user));
    const setQuota = async (quota: Record<string, number>) =>
      expect(
        (
          await call(
            'put',
            `/quotas/${encodeURIComponent(ALICE)}`,
            'root',
          ).send(quota)
        ).status,
      ).toBe(200);
    const ended = async (id: string) => {
      for (;;) {
        const op = await knex('operations').where({ id }).first();
        if (!['queued', 'running'].includes(op.status)) return op;
        await new Promise(r => setTimeout(r, 20));
      }
    };
    /** The CT's cores, memory, root disk, status, and the NetBox VM's vcpus, memory and disk. */
    const held = async (name: string) => {
      const env = (await call('get', `/environments/${name}`)).body;
      const ct = l.lab.proxmox.state.containers.get(env.vmid)!;
      const vm = l.lab.netbox.state.virtualMachines.find(v => v.name === name);
      return {
        record: [env.size, env.cpuCores, env.memoryMb, env.diskGb],
        ct: [
          ct.status,
          ct.config.cores,
          ct.config.memory,
          /size=([^,]+)/.exec(String(ct.config.rootfs))?.[1],
        ],
        netbox: vm && [vm.vcpus, vm.memory, vm.disk],
      };
    };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      // every usage read afresh (its 10 s cache would show the limits before the resize)
      l = await startLabBackend({ knex, dockerEnv: { usage: { cacheMs: 0 } } });
      await setQuota({ cpuCores: 4, memoryMb: 8192, diskGb: 100 });
      await l.provision('grow');
    });
    afterAll(async () => {
      await l?.stop();
    });

    it('resizes a running environment within the quota: cores and memory live, the disk grown online, NetBox follows', async () => {
      const res = await call('patch', '/environments/grow').send({ size: 'M' });
      expect(res.status).toBe(202);
      expect(res.body.environment).toMatchObject({
        size: 'M',
        cpuCores: 2,
        memoryMb: 4096,
        diskGb: 32,
      });
      expect(res.body.operation.kind).toBe('resize');
      const op = await ended(res.body.operation.id);
      expect(op.status).toBe('succeeded');
      expect(JSON.parse(op.result).appliesAt).toBe('live');
      expect(await held('grow')).toMatchObject({
        record: ['M', 2, 4096, 32],
        ct: ['running', 2, 4096, '32G'],
        netbox: [2, 4096, 32 * 1024],
      });
      // the usage route sees the new limits at once
      const usage = await call('get', '/environments/grow/usage');
      expect(usage.body.limits).toEqual({
        cpuCores: 2,
        memoryBytes: 4096 * 1024 * 1024,
        diskBytes: 32 * GiB,
      });
    });

    it('refuses over the quota with 409 naming it and the headroom, a shrinking disk and bad values with 400; nothing changes', async () => {
      const before = await held('grow');
      const over = await call('patch', '/environments/grow').send({
        cpuCores: 5,
      });
      expect(over.status).toBe(409);
      expect(over.body.error.message).toBe(
        `over the quota of ${ALICE}: cpuCores: 5 with this resize, quota 4 (2 in use); headroom: cpuCores +2, memoryMb +4096, diskGb +68`,
      );
      for (const [body, message] of [
        [{ diskGb: 16 }, 'diskGb: a disk only grows; it has 32 GiB, 16 asked'],
        [{ cpuCores: 0 }, 'cpuCores: must be a whole number from 1 to 16'],
        // the spec's enum answers first
        [
          { size: 'XL' },
          'size: must be equal to one of the allowed values: S, M, L',
        ],
        [{ size: 'S', cpuCores: 2 }, 'size: give a size or cpuCores, not both'],
        [{ cpuCores: 2 }, 'size: nothing to change'],
        [
          { cpuCores: 3, expiresOn: '2099-01-01' },
          'expiresOn: extend and resize in separate requests',
        ],
      ] as const) {
        const bad = await call('patch', '/environments/grow').send(body);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toContain(message);
      }
      // another owner's environment: not theirs to resize (403)
      expect(
        (await call('patch', '/environments/grow', 'bob').send({ cpuCores: 3 }))
          .status,
      ).toBe(403);
      expect(await held('grow')).toEqual(before);
    });

    it('resizes a paused environment: written now, in effect at its resume', async () => {
      expect((await call('post', '/environments/grow/pause')).status).toBe(202);
      await l.waitForStatus('grow', 'paused');
      const res = await call('patch', '/environments/grow').send({
        cpuCores: 3,
        memoryMb: 6144,
      });
      expect(res.status).toBe(202);
      const op = await ended(res.body.operation.id);
      expect(op.status).toBe('succeeded');
      expect(JSON.parse(op.result).appliesAt).toBe('resume');
      expect((await held('grow')).ct).toEqual(['stopped', 3, 6144, '32G']);
      expect((await call('post', '/environments/grow/resume')).status).toBe(
        202,
      );
      await l.waitForStatus('grow', 'ready');
      const usage = await call('get', '/environments/grow/usage');
      expect(usage.body.limits.cpuCores).toBe(3);
      expect(usage.body.limits.memoryBytes).toBe(6144 * 1024 * 1024);
    });

    it('lowering the quota takes nothing away: the environment keeps its resources; growing and new requests are refused naming the quota', async () => {
      await setQuota({ cpuCores: 2, memoryMb: 4096 });
      expect(await held('grow')).toMatchObject({
        record: ['custom', 3, 6144, 32],
        ct: ['running', 3, 6144, '32G'],
      });
      const quota = await call(
        'get',
        `/quotas?owner=${encodeURIComponent(ALICE)}`,
      );
      expect(quota.body).toMatchObject({
        quota: { cpuCores: 2, memoryMb: 4096 },
        usage: { cpuCores: 3, memoryMb: 6144 },
      });
      // the quotas page lists who is over, for admins only
      const over = await call('get', '/quotas/over', 'root');
      expect(over.body.items).toEqual([
        expect.objectContaining({
          owner: ALICE,
          over: ['cpuCores', 'memoryMb'],
        }),
      ]);
      expect((await call('get', '/quotas/over')).status).toBe(403);
      const grow = await call('patch', '/environments/grow').send({
        diskGb: 40,
      });
      // the disk is within its quota: a resource the resize does not grow is not held against it
      expect(grow.status).toBe(202);
      expect((await ended(grow.body.operation.id)).status).toBe('succeeded');
      const more = await call('patch', '/environments/grow').send({
        memoryMb: 7168,
      });
      expect(more.status).toBe(409);
      expect(more.body.error.message).toContain(
        'memoryMb: 7168 with this resize, quota 4096 (6144 in use)',
      );
      const create = await call('post', '/environments').send({
        name: 'another',
        owner: ALICE,
        size: 'S',
      });
      expect(create.status).toBe(202);
      expect(create.body.environment.status).toBe('pending_approval');
      expect(create.body.request.quotaReason).toContain(
        `over the quota of ${ALICE}: cpuCores: 4 with this request, quota 2`,
      );
      // shrinking back within the quota is always allowed
      const down = await call('patch', '/environments/grow').send({
        cpuCores: 2,
        memoryMb: 4096,
      });
      expect(down.status).toBe(202);
      expect((await ended(down.body.operation.id)).status).toBe('succeeded');
      expect((await held('grow')).ct).toEqual(['running', 2, 4096, '40G']);
    });
  },
);
