import { LAB_PRIVATE_REGISTRY } from '@docker-env/lab';
import {
  describeLifecycleFaults,
  TRANSFER_OWNERS,
} from '@docker-env/lab-testing/backend/lifecycleFaultSuite';
import { labBackendView } from '@docker-env/lab-testing/backend/labAgreement';
import {
  type OwnerMarks,
  ownerMarksReader,
} from '@docker-env/lab-testing/backend/ownerMarks';

jest.setTimeout(180_000);

/** Portainer refuses a second registry with the same URL and credentials: each owner has its own user. */
const registry = (name: string, owner: string) => ({
  name,
  owner,
  url: LAB_PRIVATE_REGISTRY.url,
  username: `${name}-bot`,
  password: LAB_PRIVATE_REGISTRY.password,
});
const other = (owner: string) =>
  owner === TRANSFER_OWNERS[0] ? TRANSFER_OWNERS[1] : TRANSFER_OWNERS[0];
const registryOf = (owner: string) =>
  owner === TRANSFER_OWNERS[0]
    ? 'docker-env-registry-alice-gitlab'
    : 'docker-env-registry-team-a-gitlab';

/*
 * A failed transfer is undone: the record, the CT's description, NetBox's owner field, the Portainer team access and
 * the registries' access all name the old owner again; the retry moves every one of them to the new owner. Both
 * owners have a registry, so the registries step has a grant and a revocation to undo.
 */
describeLifecycleFaults({
  kind: 'transfer',
  dockerEnv: {
    registries: [
      registry('alice-gitlab', TRANSFER_OWNERS[0]),
      registry('team-a-gitlab', TRANSFER_OWNERS[1]),
    ],
  },
  async prepare(c) {
    const name = 'transfer-faults';
    const env = await c.knex('environments').where({ name }).first();
    if (!env) await c.l.provision(name);
    return { name };
  },
  afterFailure: before => before,
  afterRetry: before => before,
  observed: {
    // every case starts and ends with all the marks naming one owner, the record's
    async read(c, name) {
      const marks = await ownerMarksReader(labBackendView(c.l), c.knex)(name);
      const owner = marks.record;
      const agreeing = {
        record: owner,
        ct: owner,
        netbox: owner,
        teams: [`docker-env-${owner}`],
        registries: { [registryOf(owner)]: [`docker-env-${owner}`] },
      };
      if (JSON.stringify(marks) !== JSON.stringify(agreeing))
        throw new Error(
          `the marks of ${name} name different owners: ${JSON.stringify(
            marks,
          )}`,
        );
      return marks;
    },
    afterRetry(before) {
      const to = other((before as OwnerMarks).record);
      return {
        record: to,
        ct: to,
        netbox: to,
        teams: [`docker-env-${to}`],
        registries: { [registryOf(to)]: [`docker-env-${to}`] },
      };
    },
  },
});
