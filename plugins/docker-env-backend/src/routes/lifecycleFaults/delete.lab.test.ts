import { describeLifecycleFaults } from '@docker-env/lab-testing/backend/lifecycleFaultSuite';
import { faultCases } from '@docker-env/lab-testing/backend/lifecycleFaults';

jest.setTimeout(120_000);

const names = faultCases(['delete']).map((_, i) => `delete-faults-${i + 1}`);
let counter = 0;

/*
 * A delete rolls forward. One that fails in its final backup took nothing away: the environment is as it was
 * (ready, served). One that fails later no longer serves: it stays `deleting` with the reason, and the same
 * DELETE finishes it.
 */
describeLifecycleFaults({
  kind: 'delete',
  async prepare(c) {
    // every case's environment before the first delete: the lab hands a destroyed CT's vmid and address to the
    // next clone, and a guest that comes up on an address just freed sometimes fails to start (a lab race)
    if (counter === 0) for (const n of names) await c.l.provision(n);
    return { name: names[counter++] };
  },
  afterFailure: (before, step) =>
    step === 'final-backup' ? before : { status: 'deleting' },
  afterRetry: () => ({ status: 'deleted' }),
});
