import { TestDatabases } from '@backstage/backend-test-utils';
import { LAB_PRIVATE_REGISTRY } from '@docker-env/lab';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import { TEST_ORG_CATALOG } from '@docker-env/lab-testing/backend/catalog';
import { labBackendView } from '@docker-env/lab-testing/backend/labAgreement';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';
import { ownerMarksReader } from '@docker-env/lab-testing/backend/ownerMarks';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = 'user:default/alice';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';

/** Transfer through `PATCH /environments/{name}` with `owner` against the lab. */
describe('ownership transfer through the API against the lab', () => {
  let l: LabBackend;
  let knex: Knex;
  let marks: ReturnType<typeof ownerMarksReader>;
  const call = (
    method: 'get' | 'patch' | 'put' | 'post',
    path: string,
    user = 'alice',
  ) =>
    request(l.server)[method](`${API}${path}`).set('Authorization', as(user));
  const ended = async (id: string) => {
    for (;;) {
      const op = await knex('operations').where({ id }).first();
      if (!['queued', 'running'].includes(op.status)) return op;
      await new Promise(r => setTimeout(r, 20));
    }
  };
  const usage = async (owner: string) =>
    (await call('get', `/quotas?owner=${encodeURIComponent(owner)}`, 'root'))
      .body.usage;
  /** Portainer user names that reach the endpoint through a team. */
  async function reach(name: string): Promise<string[]> {
    const portainer = PortainerClient.fromConfig(l.clients);
    const env = await knex('environments').where({ name }).first();
    const endpoint = await portainer.getEndpoint(
      JSON.parse(env.facts).endpointId,
    );
    const users = await portainer.listUsers();
    const names = new Set<string>();
    for (const teamId of Object.keys(endpoint.teamAccess))
      for (const m of await portainer.listTeamMemberships(Number(teamId)))
        names.add(users.find(u => u.id === m.userId)!.username);
    return [...names].sort();
  }

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({
      knex,
      catalog: TEST_ORG_CATALOG,
      dockerEnv: {
        usage: { cacheMs: 0 },
        registries: [
          {
            name: 'team-a-gitlab',
            owner: TEAM_A,
            url: LAB_PRIVATE_REGISTRY.url,
            username: LAB_PRIVATE_REGISTRY.username,
            password: LAB_PRIVATE_REGISTRY.password,
          },
        ],
      },
    });
    marks = ownerMarksReader(labBackendView(l), knex);
    await l.provision('moving');
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('moves the record, the CT mark, NetBox, Portainer access, the registries and both usages; audited', async () => {
    const aliceBefore = await usage(ALICE);
    const teamBefore = await usage(TEAM_A);
    const res = await call('patch', '/environments/moving').send({
      owner: TEAM_A,
    });
    expect(res.status).toBe(202);
    expect(res.body.environment.owner).toBe(TEAM_A);
    expect(res.body.operation.kind).toBe('transfer');
    const op = await ended(res.body.operation.id);
    expect({ status: op.status, error: op.error }).toEqual({
      status: 'succeeded',
      error: null,
    });
    expect(await marks('moving')).toEqual({
      record: TEAM_A,
      ct: TEAM_A,
      netbox: TEAM_A,
      teams: [`docker-env-${TEAM_A}`],
      registries: {
        'docker-env-registry-team-a-gitlab': [`docker-env-${TEAM_A}`],
      },
    });
    // the group's members reach it now (those with a Portainer user)
    expect(await reach('moving')).toEqual(
      expect.arrayContaining(['alice', 'carol']),
    );
    expect((await call('get', '/environments/moving', 'carol')).status).toBe(
      200,
    );
    expect(await usage(ALICE)).toMatchObject({
      environments: aliceBefore.environments - 1,
      cpuCores: aliceBefore.cpuCores - 1,
    });
    expect(await usage(TEAM_A)).toMatchObject({
      environments: teamBefore.environments + 1,
      cpuCores: teamBefore.cpuCores + 1,
    });
    const audit = await knex('audit_events').where({
      action: 'environment.transfer',
      target: 'moving',
    });
    expect(audit.map(a => JSON.parse(a.details))).toEqual([
      expect.objectContaining({ from: ALICE, to: TEAM_A }),
    ]);
  });

  it('refuses bad input naming the field: 400, unknown owner 404, an owner the caller is not in 403, over quota 409 with the headroom; nothing changes', async () => {
    const before = await marks('moving');
    for (const [user, body, status, message] of [
      ['alice', { owner: 'somebody' }, 400, 'owner: must be a user or group'],
      ['alice', { owner: TEAM_A }, 400, `owner: the environment is owned by`],
      [
        'alice',
        { owner: ALICE, cpuCores: 2 },
        400,
        'owner: transfer in a request of its own, not with cpuCores',
      ],
      [
        'alice',
        { owner: 'group:default/nobody' },
        404,
        'owner: group:default/nobody is not in the catalog',
      ],
      [
        'alice',
        { owner: TEAM_B },
        403,
        `owner: you do not belong to ${TEAM_B}`,
      ],
      // bob may not even read it
      ['bob', { owner: TEAM_B }, 403, ''],
    ] as const) {
      const res = await call('patch', '/environments/moving', user).send(body);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status,
        message: expect.stringContaining(message),
      });
    }
    // over the new owner's quota
    expect(
      (
        await call('put', `/quotas/${encodeURIComponent(TEAM_B)}`, 'root').send(
          { cpuCores: 0 },
        )
      ).status,
    ).toBe(200);
    const over = await call('patch', '/environments/moving', 'root').send({
      owner: TEAM_B,
    });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toMatch(
      new RegExp(
        `^over the quota of ${TEAM_B}: cpuCores: 1 with this transfer, quota 0 \\(0 in use\\); headroom: cpuCores \\+0, memoryMb \\+\\d+`,
      ),
    );
    expect(await marks('moving')).toEqual(before);
    expect(
      await knex('operations').where({ kind: 'transfer' }).count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it("an admin transfers to an owner the token's creator is not in: the token stops working; bob's team gains access and alice's loses it", async () => {
    const token = (
      await call('post', '/environments/moving/tokens').send({
        description: 'ci',
      })
    ).body.token;
    const useToken = () =>
      request(l.server)
        .get(
          `${API}/environments/moving/deployments/00000000-0000-0000-0000-000000000000`,
        )
        .set('X-Deploy-Token', token);
    expect((await useToken()).status).toBe(404);
    expect(
      (
        await call('put', `/quotas/${encodeURIComponent(TEAM_B)}`, 'root').send(
          { cpuCores: 8 },
        )
      ).status,
    ).toBe(200);
    const res = await call('patch', '/environments/moving', 'root').send({
      owner: TEAM_B,
    });
    expect(res.status).toBe(202);
    expect((await ended(res.body.operation.id)).status).toBe('succeeded');
    expect(await marks('moving')).toEqual({
      record: TEAM_B,
      ct: TEAM_B,
      netbox: TEAM_B,
      teams: [`docker-env-${TEAM_B}`],
      // team-b has no registry; team-a's is taken back from this environment
      registries: {},
    });
    expect(await reach('moving')).toEqual(['bob']);
    const refused = await useToken();
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(
      "the token's creator no longer has access",
    );
  });
});
