import { describeLifecycleFaults } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';

jest.setTimeout(120_000);

// A failed resume is undone: the environment stays paused behind the paused page, with the reason.
describeLifecycleFaults({
  kind: 'resume',
  async prepare(c) {
    const name = 'resume-faults';
    const env = await c.knex('environments').where({ name }).first();
    if (!env) await c.l.provision(name);
    if (env?.status !== 'paused') await c.succeed('pause', name);
    return { name };
  },
  afterFailure: before => before,
  afterRetry: () => ({ status: 'ready', running: ['docker-env-welcome'] }),
});
