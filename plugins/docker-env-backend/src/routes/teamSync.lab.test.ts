import { TestDatabases } from '@backstage/backend-test-utils';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** `POST /team-sync`: the admin's "sync now" triggers the scheduled task, which runs a pass against the lab. */
describe('the team sync now, through the scheduler, against the lab', () => {
  let l: LabBackend;
  let knex: Knex;
  const sync = (user: string) =>
    request(l.server).post(`${API}/team-sync`).set('Authorization', as(user));

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({ knex });
    await l.provision('synced');
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('admins only: a pass runs at once and takes away a member the catalog does not name; audited', async () => {
    const portainer = PortainerClient.fromConfig(l.clients);
    const team = (await portainer.listTeams()).find(
      t => t.name === 'docker-env-user:default/alice',
    )!;
    const bob = (await portainer.findUserByUsername('bob'))!;
    // someone added bob to alice's team by hand: the catalog says alice's team is alice alone
    await portainer.addTeamMember(team.id, bob.id, 2);
    const members = async () =>
      (await portainer.listTeamMemberships(team.id)).map(m => m.userId).sort();
    expect(await members()).toContain(bob.id);

    expect((await sync('alice')).status).toBe(403);
    const res = await sync('root');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      triggered: true,
      taskId: 'docker-env-team-sync',
    });
    // the task's first run is a minute away (its initial delay): the trigger runs it now
    const deadline = Date.now() + 30_000;
    while ((await members()).includes(bob.id)) {
      if (Date.now() > deadline)
        throw new Error('the triggered pass did not remove bob within 30 s');
      await new Promise(r => setTimeout(r, 200));
    }
    expect(
      await knex('audit_events')
        .whereIn('action', [
          'portainer.team.sync-now',
          'portainer.team.member-removed',
        ])
        .select('actor', 'action', 'result'),
    ).toEqual(
      // the pass may end before the route writes its own row
      expect.arrayContaining([
        {
          actor: 'user:default/alice',
          action: 'portainer.team.sync-now',
          result: 'refused',
        },
        {
          actor: 'user:default/root',
          action: 'portainer.team.sync-now',
          result: 'succeeded',
        },
        {
          actor: 'plugin:docker-env/team-sync',
          action: 'portainer.team.member-removed',
          result: 'succeeded',
        },
      ]),
    );
  });
});
