import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { Knex } from 'knex';
import { operationOutcomeHooks } from '../operations/outcomes';
import { DatabaseDockerEnvStore } from './DatabaseDockerEnvStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const HOUR = 3600 * 1000;

/** An Idempotency-Key holds while its operation is queued or running, and for 24 hours after it ended. */
describe.each(databases.eachSupportedId())(
  'idempotency keys on %s',
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

    /** An environment, its provision operation and the key whose answer named them. */
    async function keyed(key: string, withOperation = true) {
      const environment = await store.insertEnvironment({
        name: key,
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
      const operation = withOperation
        ? await store.insertOperation({
            environmentId: environment.id,
            kind: 'provision',
            input: {},
            requestedBy: 'user:default/alice',
            lockKey: null,
          })
        : undefined;
      await store.saveIdempotentAnswer('user:default/alice', key, {
        requestHash: 'h',
        statusCode: 202,
        response: { environment, ...(operation ? { operation } : {}) },
      });
      return { environment, operation };
    }
    /** Ends the operation as the runner does, `hoursAgo` hours ago. */
    async function end(operationId: string, hoursAgo: number) {
      const endedAt = new Date(Date.now() - hoursAgo * HOUR);
      await knex('operations')
        .where({ id: operationId })
        .update({ status: 'succeeded', ended_at: endedAt });
      const record = (await store.operations().getRecord(operationId))!;
      await store.transaction(tx => hooks().onOperationEnded(record, tx));
    }
    const get = (key: string) =>
      store.getIdempotentAnswer('user:default/alice', key);

    it('never expire while the operation is queued or running', async () => {
      await keyed('k-running');
      expect(
        await store.sweepIdempotencyKeys(new Date(Date.now() + 1e10)),
      ).toBe(0);
      expect(await get('k-running')).toMatchObject({ statusCode: 202 });
    });

    it('hold for 24 hours after the operation ended, then are gone', async () => {
      const recent = await keyed('k-recent');
      await end(recent.operation!.id, 23);
      expect(await get('k-recent')).toMatchObject({ statusCode: 202 });

      const old = await keyed('k-old');
      await end(old.operation!.id, 25);
      expect(await get('k-old')).toBeUndefined();
      expect(
        await knex('idempotency_keys').where({ idempotency_key: 'k-old' }),
      ).toHaveLength(0);

      const swept = await keyed('k-swept');
      await end(swept.operation!.id, 30);
      expect(await store.sweepIdempotencyKeys(new Date())).toBe(1);
      expect(await get('k-recent')).toMatchObject({ statusCode: 202 });
    });

    it('of a request held for approval, expire a day after the operation approval started ended', async () => {
      const held = await keyed('k-held', false);
      const approved = await store.insertOperation({
        environmentId: held.environment.id,
        kind: 'provision',
        input: {},
        requestedBy: 'user:default/alice',
        lockKey: null,
      });
      expect(await get('k-held')).toBeDefined();
      await end(approved.id, 25);
      expect(await get('k-held')).toBeUndefined();
    });
  },
);
