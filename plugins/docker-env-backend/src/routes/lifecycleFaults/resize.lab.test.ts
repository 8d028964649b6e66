import { describeLifecycleFaults } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';

jest.setTimeout(180_000);

// A failed resize is undone: the CT's cores and memory and the NetBox VM are as before (a fault at the disk step hits
// the resize call itself, so the disk did not grow); the record keeps its resources; the retry resizes.
describeLifecycleFaults({
  kind: 'resize',
  async prepare(c) {
    const name = 'resize-faults';
    const env = await c.knex('environments').where({ name }).first();
    if (!env) await c.l.provision(name);
    return { name };
  },
  afterFailure: before => before,
  afterRetry: before => before,
});
