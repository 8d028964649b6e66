import type { OperationKind } from '@docker-env/plugin-docker-env-common';
import { Knex } from 'knex';
import type { OperationRecord } from '../runner/types';
import { DatabaseDockerEnvStore } from '../store/DatabaseDockerEnvStore';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { carriedFacts } from './facts';
import { operationOutcomeHooks } from './outcomes';

// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the migration under test ships with the package
const backfill = require('../../migrations/20261207020000_environment_facts');

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();

/** The environment row carries its operations' facts: merged as each operation ends, backfilled for older rows. */
describe.each(databases.eachSupportedId())(
  'carried facts on %s',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDockerEnvStore;
    const hooks = () =>
      operationOutcomeHooks({
        store,
        events: { changed: async () => {} },
        notifier: { stage: async () => {}, sendSoon: () => {} },
        deploymentSecrets: { forget: async () => {} },
      });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      store = await DatabaseDockerEnvStore.create({
        database: { getClient: async () => knex },
      });
    });

    const environment = (name: string) =>
      store.insertEnvironment({
        name,
        owner: 'user:default/alice',
        status: 'provisioning',
        size: 'S',
        cpuCores: 1,
        memoryMb: 2048,
        diskGb: 16,
        purpose: '',
        expiresOn: null,
        createdBy: 'user:default/alice',
      });
    /** Ends an operation of the environment as the runner does (the end hook in the ending transaction). */
    const end = async (
      environmentId: string,
      kind: OperationKind,
      status: OperationRecord['status'],
      result: Record<string, unknown>,
    ) => {
      const op = await store.insertOperation({
        environmentId,
        kind,
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: null,
      });
      await knex('operations')
        .where({ id: op.id })
        .update({ status, result: JSON.stringify(result) });
      const record = (await store.operations().getRecord(op.id))!;
      await store.transaction(tx => hooks().onOperationEnded(record, tx));
    };

    it('merges each succeeded result over the row, failed ones not at all', async () => {
      const env = await environment('facts-live');
      await end(env.id, 'provision', 'succeeded', {
        vmid: 101,
        ip: '10.0.0.1',
      });
      await end(env.id, 'pause', 'failed', { ip: 'never' });
      await end(env.id, 'pause', 'succeeded', { runningContainers: ['web'] });
      await end(env.id, 'resume', 'succeeded', { ip: '10.0.0.2' });
      expect(await carriedFacts({ store }, env)).toEqual({
        vmid: 101,
        ip: '10.0.0.2',
        runningContainers: ['web'],
      });
      expect(await carriedFacts({ store }, { id: 'no-such-id' })).toEqual({});
    });

    it('the migration fills the row from the succeeded operations, oldest first', async () => {
      const env = await environment('facts-old');
      const at = (day: number) => new Date(Date.UTC(2026, 0, day));
      for (const [day, status, result] of [
        [1, 'succeeded', { vmid: 102, ip: '10.0.0.3' }],
        [2, 'failed', { ip: 'never' }],
        [3, 'succeeded', { ip: '10.0.0.4' }],
      ] as const) {
        const op = await store.insertOperation({
          environmentId: env.id,
          kind: 'resume',
          input: {},
          requestedBy: 'user:default/alice',
          lockKey: null,
        });
        await knex('operations')
          .where({ id: op.id })
          .update({
            status,
            result: JSON.stringify(result),
            created_at: at(day),
          });
      }
      expect(await carriedFacts({ store }, env)).toEqual({});
      await backfill.up(knex);
      expect(await carriedFacts({ store }, env)).toEqual({
        vmid: 102,
        ip: '10.0.0.4',
      });
    });
  },
);
