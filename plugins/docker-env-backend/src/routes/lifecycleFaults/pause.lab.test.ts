import { describeLifecycleFaults } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';

jest.setTimeout(120_000);

// A failed pause is undone: the environment is ready and served as before, with the reason.
describeLifecycleFaults({
  kind: 'pause',
  async prepare(c) {
    const name = 'pause-faults';
    const env = await c.knex('environments').where({ name }).first();
    if (!env) await c.l.provision(name);
    else if (env.status === 'paused') await c.succeed('resume', name);
    return { name };
  },
  afterFailure: before => before,
  afterRetry: before => ({
    status: 'paused',
    ct: { status: 'stopped' },
    portainer: before.portainer,
    netbox: before.netbox,
  }),
});
