import { TestDatabases } from '@backstage/backend-test-utils';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
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

/** Polls `check` until it answers something (fails naming `what`). */
async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await check();
    if (got !== undefined) return got;
    if (Date.now() > deadline)
      throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 50));
  }
}

/**
 * The alerts in the whole plugin against the lab: provisioned environments watched by the plugin's own watchers, the
 * rules routes (owner edits, 400 naming the field, audited), `GET /alerts` (owners theirs, admins all).
 */
describe('alerts and alert rules in the plugin, against the lab', () => {
  let l: LabBackend;
  let knex: Knex;
  const call = (user: string, method: 'get' | 'put', path: string) =>
    (request(l.server) as any)
      [method](`${API}${path}`)
      .set('Authorization', as(user));
  const engineOf = (env: Record<string, any>) =>
    new DockerClient({
      kind: 'tcp',
      host: new URL(l.lab.guests.dockerUrl(env.vmid)!).hostname,
      port: 2375,
      allowInsecure: true,
    });

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({
      knex,
      dockerEnv: {
        watcher: {
          enabled: true,
          leaseSeconds: 1,
          reconnectInitialMs: 50,
          reconnectMaxMs: 200,
          // the provisioning that just ended would make the tests' own stops portal-made
          portalWindowSeconds: 0.2,
        },
        alerts: {
          checkIntervalSeconds: 0.2,
          exitGraceSeconds: 0.5,
          cpu: { thresholdPercent: 50, forSeconds: 1 },
        },
      },
    });
  });
  afterAll(async () => {
    await l?.stop();
  });

  it("reads and changes an environment's rules: its owners only, bad input named, audited", async () => {
    await l.provision('rules');
    const read = await call('alice', 'get', '/environments/rules/alert-rules');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(
      expect.objectContaining({
        environment: 'rules',
        custom: false,
        updatedBy: null,
        rules: expect.objectContaining({
          enabled: true,
          crashLoop: { enabled: true, restarts: 3, windowSeconds: 300 },
          cpu: { enabled: true, thresholdPercent: 50, forSeconds: 1 },
          memory: { enabled: true, thresholdPercent: 90, forSeconds: 300 },
          silencedUntil: null,
        }),
      }),
    );
    const silencedUntil = new Date(Date.now() + 3_600_000).toISOString();
    const put = await call(
      'alice',
      'put',
      '/environments/rules/alert-rules',
    ).send({
      memory: { thresholdPercent: 75 },
      silencedUntil,
    });
    expect(put.status).toBe(200);
    expect(put.body.custom).toBe(true);
    expect(put.body.updatedBy).toBe('user:default/alice');
    expect(put.body.rules.memory).toEqual({
      enabled: true,
      thresholdPercent: 75,
      forSeconds: 300,
    });
    expect(Date.parse(put.body.rules.silencedUntil)).toBe(
      Date.parse(silencedUntil),
    );
    expect(put.body.defaults.memory.thresholdPercent).toBe(90);

    for (const [body, message] of [
      [{ cpu: { thresholdPercent: 150 } }, 'cpu.thresholdPercent'],
      [{ crashLoop: { restarts: 1 } }, 'crashLoop.restarts'],
      [{ disk: { forSeconds: 1.5 } }, 'disk.forSeconds'],
      [
        { silencedUntil: 'tomorrow' },
        'silencedUntil: must be an ISO 8601 date-time or null',
      ],
      [
        { silencedUntil: new Date(Date.now() + 40 * 86_400_000).toISOString() },
        'silencedUntil: must be at most 30 days ahead',
      ],
      [{ pager: true }, 'pager: unknown field'],
      [{ exit: { enabled: 'yes' } }, 'exit.enabled'],
    ] as const) {
      const res = await call(
        'alice',
        'put',
        '/environments/rules/alert-rules',
      ).send(body);
      expect({ status: res.status, message: res.body.error?.message }).toEqual({
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    // nothing changed by the refusals
    const after = await call('alice', 'get', '/environments/rules/alert-rules');
    expect(after.body.rules).toEqual(put.body.rules);

    const bob = await call(
      'bob',
      'put',
      '/environments/rules/alert-rules',
    ).send({
      enabled: false,
    });
    expect(bob.status).toBe(403);
    const audit = await knex('audit_events')
      .where({ action: 'environment.alert_rules' })
      .orderBy('id');
    // the spec's validator refuses some bodies before the route (not audited); the route's own refusals are
    expect(audit[0]).toEqual(
      expect.objectContaining({
        actor: 'user:default/alice',
        result: 'succeeded',
      }),
    );
    expect(audit.slice(1, -1).length).toBeGreaterThanOrEqual(1);
    expect(audit.slice(1, -1).every(a => a.result === 'refused')).toBe(true);
    expect(audit[audit.length - 1]).toEqual(
      expect.objectContaining({ actor: 'user:default/bob', result: 'refused' }),
    );
  });

  it('alerts a stop by hand in a provisioned environment, owned by a group, and lists it to its owners and admins only', async () => {
    const created = await request(l.server)
      .post(`${API}/environments`)
      .set('Authorization', as('carol'))
      .send({ name: 'teamed', owner: 'group:default/team-a', size: 'S' });
    expect(created.status).toBe(202);
    const env = await l.waitForStatus('teamed', 'ready');
    const docker = engineOf(env);
    await docker.pullImage('nginx:latest');
    await docker.createContainer({ name: 'api', image: 'nginx:latest' });
    await docker.start('api');
    await new Promise(r => setTimeout(r, 1500));
    await docker.stop('api', { timeoutSeconds: 1 });
    const delivery = await until('the alert delivery', async () =>
      knex('deliveries')
        .where({ event: 'environment.alert', channel: 'notification' })
        .where('payload', 'like', '%container api was stopped%')
        .first(),
    );
    // the group: Backstage's notifications send it to the group's members
    expect(delivery.recipient).toBe('group:default/team-a');
    const listed = (user: string) =>
      call(user, 'get', '/alerts?state=open').then((r: any) =>
        r.body.items.map(
          (i: any) => `${i.environment}/${i.container}:${i.kind}`,
        ),
      );
    expect(await listed('carol')).toEqual(['teamed/api:exit']);
    expect(await listed('alice')).toEqual(['teamed/api:exit']);
    expect(await listed('bob')).toEqual([]);
    expect(await listed('root')).toEqual(['teamed/api:exit']);
    const one = await call('carol', 'get', '/alerts?environment=teamed');
    expect(one.body.items[0]).toEqual(
      expect.objectContaining({
        summary: 'container api was stopped (exit code 0, signal 15 (SIGTERM))',
        state: 'open',
        details: expect.objectContaining({ exitCode: 0, signal: '15' }),
      }),
    );
    expect(
      (await call('bob', 'get', '/alerts?environment=teamed')).status,
    ).toBe(403);
    const bad = await call('carol', 'get', '/alerts?state=closed');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('state');

    await docker.start('api');
    await until('resolved', async () =>
      (await call('carol', 'get', '/alerts?state=open')).body.items.length === 0
        ? true
        : undefined,
    );
    const recent = await call('carol', 'get', '/alerts?state=recent');
    expect(recent.body.items[0]).toEqual(
      expect.objectContaining({
        state: 'resolved',
        resolution: 'the container runs again',
      }),
    );
  });
});
