import { describeLifecycleFaults } from '../../testing/lifecycleFaultSuite';

jest.setTimeout(120_000);

let counter = 0;

/*
 * A delete rolls forward. One that fails in its final backup took nothing away: the environment is as it was
 * (ready, served). One that fails later no longer serves: it stays `deleting` with the reason, and the same
 * DELETE finishes it.
 */
describeLifecycleFaults({
  kind: 'delete',
  async prepare(c) {
    const name = `delete-faults-${++counter}`;
    await c.l.provision(name);
    return { name };
  },
  afterFailure(before, after, step) {
    if (step === 'final-backup') expect(after).toEqual(before);
    else expect(after.status).toBe('deleting');
  },
  afterRetry(_before, after) {
    expect(after.status).toBe('deleted');
  },
});
