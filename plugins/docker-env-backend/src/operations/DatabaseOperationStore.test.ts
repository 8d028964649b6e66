import type { OperationKind } from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import { DatabaseDockerEnvStore } from '../store/DatabaseDockerEnvStore';
import type { DockerEnvStore } from '../store/types';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

/** The reads the background tasks, the quota and the rate limit make of `operations` (the runner's are in runner/). */
describe.each(databases.eachSupportedId())(
  'the operations store on %s',
  databaseId => {
    let knex: Knex;
    let store: DockerEnvStore;
    let a: string;
    let b: string;

    /** An operation of the environment, moved to `status` with `result`, created at `at`. */
    async function operation(
      environmentId: string,
      kind: OperationKind,
      status: string,
      at: string,
      more: {
        result?: object;
        input?: Record<string, unknown>;
        requestedBy?: string;
      } = {},
    ) {
      const op = await store.insertOperation({
        environmentId,
        kind,
        input: more.input ?? {},
        requestedBy: more.requestedBy ?? 'user:default/alice',
        lockKey: null,
      });
      await knex('operations')
        .where({ id: op.id })
        .update({
          status,
          created_at: new Date(at),
          result: more.result ? JSON.stringify(more.result) : null,
        });
      return op.id;
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
      const env = (name: string) =>
        store.insertEnvironment({
          name,
          owner: 'user:default/alice',
          status: 'ready',
          size: 'S',
          cpuCores: 1,
          memoryMb: 2048,
          diskGb: 16,
          purpose: '',
          expiresOn: null,
          createdBy: 'user:default/alice',
        });
      a = (await env('alpha')).id;
      b = (await env('beta')).id;
      await operation(a, 'provision', 'succeeded', '2026-01-01T00:00:00Z', {
        result: { vmid: 101, ip: '10.0.0.1' },
      });
      await operation(a, 'pause', 'failed', '2026-01-02T00:00:00Z', {
        result: { ip: 'never' },
      });
      await operation(a, 'resume', 'succeeded', '2026-01-03T00:00:00Z', {
        result: { ip: '10.0.0.2' },
      });
      const deploy = (status: string, at: string, container: string) =>
        operation(b, 'deploy', status, at, {
          input: { deployment: { container } },
          requestedBy: 'user:default/bob',
        });
      await deploy('succeeded', '2026-01-01T10:00:00Z', 'web');
      await deploy('rolled_back', '2026-01-01T10:10:00Z', 'gone');
      await deploy('running', '2026-01-01T10:20:00Z', 'api');
      await deploy('queued', '2026-01-01T10:30:00Z', 'worker');
    });

    it('lists the environments with an operation queued or running', async () => {
      expect([...(await store.operations().busyEnvironmentIds())]).toEqual([b]);
      expect(await store.operations().hasActive(a)).toBe(false);
      expect(await store.operations().hasActive(b)).toBe(true);
    });

    it('gives the results of succeeded operations, oldest first', async () => {
      expect(await store.operations().succeededResults(a)).toEqual([
        { kind: 'provision', result: { vmid: 101, ip: '10.0.0.1' } },
        { kind: 'resume', result: { ip: '10.0.0.2' } },
      ]);
    });

    it("gives a requester's latest deploys, newest first, after a moment", async () => {
      const times = await store
        .operations()
        .deployTimes('user:default/bob', new Date('2026-01-01T10:05:00Z'), 2);
      expect(times.map(t => t.toISOString())).toEqual([
        '2026-01-01T10:30:00.000Z',
        '2026-01-01T10:20:00.000Z',
      ]);
      expect(
        await store
          .operations()
          .deployTimes('user:default/alice', new Date(0), 10),
      ).toEqual([]);
    });

    it('gives the deploys whose container counts against the quota', async () => {
      const held = await store.operations().containerHoldingDeploys([a, b]);
      expect(
        held.map(
          d =>
            `${d.environmentId === b ? 'beta' : d.environmentId} ${
              (d.input.deployment as { container: string }).container
            }`,
        ),
      ).toEqual(
        expect.arrayContaining(['beta web', 'beta api', 'beta worker']),
      );
      expect(held).toHaveLength(3);
      expect(await store.operations().containerHoldingDeploys([a])).toEqual([]);
    });
  },
);
