import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { validExtension } from './expiry';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const inDays = (n: number) =>
  new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('validExtension', () => {
  const now = new Date('2026-12-02T10:00:00Z');
  it('takes a later date within the maximum', () => {
    expect(validExtension('2027-01-01', '2026-12-10', 90, now)).toBe(
      '2027-01-01',
    );
  });
  it.each([
    ['2026-13-01', /^expiresOn: must be a date YYYY-MM-DD$/],
    ['next week', /^expiresOn: must be a date/],
    ['2026-12-02', /^expiresOn: must be after today$/],
    [
      '2026-12-09',
      /^expiresOn: an extension must be later than the current 2026-12-10$/,
    ],
    ['2027-03-03', /^expiresOn: at most 90 days from today \(2027-03-02\)/],
  ])('refuses %s', (value, message) => {
    expect(() => validExtension(value, '2026-12-10', 90, now)).toThrow(message);
  });
});

describe.each(databases.eachSupportedId())(
  'PATCH /environments/{name} on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startDockerEnvTestBackend({
        knex,
        config: {
          dockerEnv: {
            // a configured lifecycle section is checked whole at start-up
            lifecycle: {
              backupStorage: 'backup',
              pausedRoute: { service: 'paused@file' },
              expiry: { maxExtensionDays: 30 },
            },
          },
        },
      }));
      const res = await request(server)
        .post(`${API}/environments`)
        .set('Authorization', as('alice'))
        .send({ name: 'lasting', owner: 'user:default/alice', size: 'S' });
      if (res.status !== 202) throw new Error(`seeding: ${res.status}`);
      await knex('environments')
        .where({ name: 'lasting' })
        .update({ status: 'ready', expires_on: inDays(3) });
    });

    const patch = (body: object, user = 'alice') =>
      request(server)
        .patch(`${API}/environments/lasting`)
        .set('Authorization', as(user))
        .send(body);

    it('extends within the maximum, audited with from and to', async () => {
      const res = await patch({ expiresOn: inDays(20) });
      expect(res.status).toBe(200);
      expect(res.body.expiresOn).toBe(inDays(20));
      const audit = await knex('audit_events')
        .where({ action: 'environment.extend', result: 'succeeded' })
        .first();
      expect(JSON.parse(audit.details)).toEqual({
        from: inDays(3),
        to: inDays(20),
      });
    });

    it("400 beyond the admin's maximum or for another field, nothing changed", async () => {
      const beyond = await patch({ expiresOn: inDays(31) });
      expect(beyond.status).toBe(400);
      expect(beyond.body.error.message).toMatch(/^expiresOn: at most 30 days/);
      const other = await patch({
        expiresOn: inDays(25),
        purpose: 'another',
      });
      expect(other.status).toBe(400);
      expect(other.body.error.message).toBe(
        'purpose: cannot be changed; only expiresOn, size, cpuCores, memoryMb, diskGb, owner can',
      );
      // a transfer is a request of its own
      const both = await patch({
        expiresOn: inDays(25),
        owner: 'user:default/bob',
      });
      expect(both.status).toBe(400);
      expect(both.body.error.message).toBe(
        'owner: transfer in a request of its own, not with expiresOn',
      );
      const row = await knex('environments').where({ name: 'lasting' }).first();
      expect(String(row.expires_on).slice(0, 10)).toBe(inDays(20));
    });

    it('401 without credentials, 403 for another user, 404 for no such environment', async () => {
      const anonymous = await request(server)
        .patch(`${API}/environments/lasting`)
        .set('Authorization', mockCredentials.none.header())
        .send({ expiresOn: inDays(25) });
      expect(anonymous.status).toBe(401);
      expect((await patch({ expiresOn: inDays(25) }, 'bob')).status).toBe(403);
      const missing = await request(server)
        .patch(`${API}/environments/nowhere`)
        .set('Authorization', as('alice'))
        .send({ expiresOn: inDays(25) });
      expect(missing.status).toBe(404);
      const row = await knex('environments').where({ name: 'lasting' }).first();
      expect(String(row.expires_on).slice(0, 10)).toBe(inDays(20));
    });
  },
);
