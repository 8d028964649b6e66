import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { USERS_ONLY } from './actionCaller';

jest.setTimeout(60_000);

/** The actions registry's own HTTP surface on the plugin (what the MCP actions backend calls). */
const ACTIONS = '/api/docker-env/.backstage/actions/v1/actions';
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const staticToken = mockCredentials.service.header();
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ACTION_NAMES = [
  'list-environments',
  'get-environment',
  'pause',
  'resume',
  'create-snapshot',
  'get-deployment',
  'request-environment',
];

describe('docker-env actions, through the actions registry of a running backend', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let seq = 0;

  const invoke = (action: string, input: object, authorization: string) =>
    request(server)
      .post(`${ACTIONS}/docker-env:${action}/invoke`)
      .set('Authorization', authorization)
      .send(input);

  const auditRows = (where: object) =>
    knex('audit_events').where(where).orderBy('id');

  /** A provisioned environment of `user`'s, in `status`, requested through the action. */
  async function environment(status = 'ready', user = 'alice') {
    const name = `act${++seq}`;
    const res = await invoke(
      'request-environment',
      {
        name,
        owner: `user:default/${user}`,
        size: 'S',
        idempotencyKey: `seed-${name}`,
      },
      as(user),
    );
    if (res.status !== 200) throw new Error(`seeding ${name}: ${res.text}`);
    await knex('operations')
      .where({ id: res.body.output.operation.id })
      .update({ status: 'succeeded', lock_key: null });
    await knex('environments')
      .where({ name })
      .update({ status, vmid: 100, node: 'pve' });
    return name;
  }

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({
      knex,
      config: { backend: { actions: { pluginSources: ['docker-env'] } } },
    }));
  });

  it('lists the seven actions with truthful attributes and object outputs', async () => {
    const res = await request(server)
      .get(ACTIONS)
      .set('Authorization', as('alice'));
    expect(res.status).toBe(200);
    const actions = Object.fromEntries(
      res.body.actions.map((a: any) => [a.name, a]),
    );
    expect(Object.keys(actions).sort()).toEqual([...ACTION_NAMES].sort());
    for (const name of ACTION_NAMES) {
      expect(actions[name].schema.output.type).toBe('object');
      expect(actions[name].description.length).toBeGreaterThan(60);
    }
    const reads = ['list-environments', 'get-environment', 'get-deployment'];
    for (const name of reads) {
      expect(actions[name].attributes).toEqual({
        readOnly: true,
        destructive: false,
        idempotent: true,
      });
    }
    expect(actions.pause.attributes).toEqual({
      readOnly: false,
      destructive: false,
      idempotent: true,
    });
    expect(actions['create-snapshot'].attributes.idempotent).toBe(false);
    expect(actions['request-environment'].schema.input.required).toContain(
      'idempotencyKey',
    );
  });

  it('list-environments and get-environment: what the user may read, no more', async () => {
    const mine = await environment();
    const bobs = await environment('ready', 'bob');
    const list = await invoke('list-environments', {}, as('alice'));
    expect(list.status).toBe(200);
    const names = list.body.output.items.map((e: any) => e.name);
    expect(names).toContain(mine);
    expect(names).not.toContain(bobs);
    const got = await invoke('get-environment', { name: mine }, as('alice'));
    expect(got.status).toBe(200);
    expect(got.body.output.environment).toMatchObject({
      name: mine,
      status: 'ready',
      owner: 'user:default/alice',
    });
    const refused = await invoke(
      'get-environment',
      { name: bobs },
      as('alice'),
    );
    expect(refused.status).toBe(403);
  });

  it("pause: the route's path, audited as the user; on another team's environment refused and audited", async () => {
    const name = await environment();
    const res = await invoke('pause', { name }, as('alice'));
    expect(res.status).toBe(200);
    expect(res.body.output.environment.status).toBe('pausing');
    expect(res.body.output.operation).toMatchObject({
      kind: 'pause',
      status: 'queued',
    });
    expect(
      await auditRows({ action: 'environment.pause', target: name }),
    ).toEqual([
      expect.objectContaining({
        actor: 'user:default/alice',
        result: 'succeeded',
      }),
    ]);

    const other = await environment();
    const refused = await invoke('pause', { name: other }, as('bob'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/not allowed/);
    const [row] = await auditRows({
      action: 'environment.pause',
      target: other,
    });
    expect(row).toMatchObject({ actor: 'user:default/bob', result: 'refused' });
    const env = await knex('environments').where({ name: other }).first();
    expect(env.status).toBe('ready');
  });

  it('resume and create-snapshot run the lifecycle rules (status refusals are 409s)', async () => {
    const name = await environment('paused');
    const snapshot = await invoke(
      'create-snapshot',
      { name, description: 'before the upgrade' },
      as('alice'),
    );
    expect(snapshot.status).toBe(409);
    const resumed = await invoke('resume', { name }, as('alice'));
    expect(resumed.status).toBe(200);
    expect(resumed.body.output.environment.status).toBe('resuming');

    const ready = await environment();
    const taken = await invoke(
      'create-snapshot',
      { name: ready, description: 'before the upgrade' },
      as('alice'),
    );
    expect(taken.status).toBe(200);
    expect(taken.body.output.operation).toMatchObject({
      kind: 'snapshot_create',
      input: { snapshotDescription: 'before the upgrade' },
    });
    expect(
      await auditRows({ action: 'environment.snapshot.create', target: ready }),
    ).toHaveLength(1);
  });

  it('get-deployment: the deployment without its secrets; 404 for an unknown id', async () => {
    const name = await environment();
    const env = await knex('environments').where({ name }).first();
    const provision = await knex('operations')
      .where({ environment_id: env.id })
      .first();
    const id = '00000000-0000-4000-8000-0000000000d1';
    await knex('operations').insert({
      ...provision,
      id,
      kind: 'deploy',
      lock_key: null,
      input: JSON.stringify({
        deployment: { image: 'nginx:1', container: 'web', envKeys: ['A'] },
        secretsRef: 'sealed-1',
      }),
    });
    const res = await invoke('get-deployment', { name, id }, as('alice'));
    expect(res.status).toBe(200);
    expect(res.body.output.deployment).toMatchObject({ id, kind: 'deploy' });
    expect(res.body.output.deployment.input.secretsRef).toBeUndefined();
    const unknown = await invoke(
      'get-deployment',
      { name, id: '00000000-0000-4000-8000-0000000000d2' },
      as('alice'),
    );
    expect(unknown.status).toBe(404);
    const bob = await invoke('get-deployment', { name, id }, as('bob'));
    expect(bob.status).toBe(403);
  });

  it('request-environment: a retried key answers the first answer, creates once, audits once', async () => {
    const input = {
      name: 'retried',
      owner: 'group:default/team-a',
      size: 'S',
      idempotencyKey: 'assistant-key-1',
    };
    const first = await invoke('request-environment', input, as('alice'));
    expect(first.status).toBe(200);
    expect(first.body.output).toMatchObject({
      replayed: false,
      environment: { name: 'retried', status: 'provisioning' },
      operation: { kind: 'provision' },
    });
    const again = await invoke('request-environment', input, as('alice'));
    expect(again.status).toBe(200);
    expect(again.body.output.replayed).toBe(true);
    expect(again.body.output.environment.id).toBe(
      first.body.output.environment.id,
    );
    expect(await knex('environments').where({ name: 'retried' })).toHaveLength(
      1,
    );
    expect(
      await auditRows({ action: 'environment.create', target: 'retried' }),
    ).toHaveLength(1);
    const changed = await invoke(
      'request-environment',
      { ...input, size: 'M' },
      as('alice'),
    );
    expect(changed.status).toBe(409);
    expect(changed.body.error.message).toBe(
      'Idempotency-Key: was already used for a different request',
    );
    const foreign = await invoke(
      'request-environment',
      {
        ...input,
        name: 'foreign',
        owner: 'group:default/team-b',
        idempotencyKey: 'k2',
      },
      as('alice'),
    );
    expect(foreign.status).toBe(403);
    expect(await knex('environments').where({ name: 'foreign' })).toHaveLength(
      0,
    );
  });

  it('a static token (a service principal) is refused for every action, and each refusal audited', async () => {
    const name = await environment();
    const inputs: Record<string, object> = {
      'list-environments': {},
      'get-environment': { name },
      pause: { name },
      resume: { name },
      'create-snapshot': { name },
      'get-deployment': { name, id: 'x' },
      'request-environment': {
        name: 'by-token',
        owner: 'user:default/alice',
        size: 'S',
        idempotencyKey: 'token-1',
      },
    };
    const before = Number(
      (
        await knex('audit_events')
          .where({ result: 'refused' })
          .count({ n: '*' })
      )[0].n,
    );
    for (const action of ACTION_NAMES) {
      const res = await invoke(action, inputs[action], staticToken);
      expect({ action, status: res.status }).toEqual({ action, status: 403 });
      expect(res.body.error.message).toBe(USERS_ONLY);
    }
    const refusals = await knex('audit_events')
      .where({ result: 'refused', actor: 'service:external:test-service' })
      .select('action');
    expect(refusals.map(r => r.action).sort()).toEqual(
      [
        'deployment.read',
        'environment.create',
        'environment.list',
        'environment.pause',
        'environment.read',
        'environment.resume',
        'environment.snapshot.create',
      ].sort(),
    );
    const after = Number(
      (
        await knex('audit_events')
          .where({ result: 'refused' })
          .count({ n: '*' })
      )[0].n,
    );
    expect(after - before).toBe(ACTION_NAMES.length);
    const env = await knex('environments').where({ name }).first();
    expect(env.status).toBe('ready');
    expect(await knex('environments').where({ name: 'by-token' })).toHaveLength(
      0,
    );
  });
});
