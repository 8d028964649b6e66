import { createServer, Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const API = '/api/docker-env';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const alice = mockCredentials.user.header('user:default/alice');

/** knex numbers savepoints per connection (`trx12`): the same query whatever the number. */
const normalised = (sql: string) => sql.replace(/\btrx\d+\b/g, 'trx');

/**
 * Reads that do not grow with history: a containers read and a lifecycle request make the same database queries
 * for an environment with 5 past operations as for one with 500.
 */
describe('database work per request', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let engine: Server;
  let dir: string;
  let queries: string[] | undefined;

  beforeAll(async () => {
    // a Docker engine on a Unix socket of the test's own that holds no containers
    dir = mkdtempSync(join(tmpdir(), 'docker-env-cost-'));
    const socketPath = join(dir, 'docker.sock');
    engine = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('[]');
    });
    await new Promise<void>(r => engine.listen(socketPath, r));
    knex = await databases.init('SQLITE_3');
    knex.on('query', (q: { sql: string }) => queries?.push(normalised(q.sql)));
    ({ server } = await startDockerEnvTestBackend({
      knex,
      config: { dockerEnv: { docker: { kind: 'socket', socketPath } } },
    }));
  });
  afterAll(async () => {
    await new Promise(r => engine.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A ready environment of alice's with `past` ended operations, each of which learnt something. */
  async function environmentWith(past: number): Promise<string> {
    const name = `cost-${past}`;
    const res = await request(server)
      .post(`${API}/environments`)
      .set('Authorization', alice)
      .send({ name, owner: 'user:default/alice', size: 'S' });
    expect(res.status).toBe(202);
    const provision = await knex('operations')
      .where({ id: res.body.operation.id })
      .first();
    const facts = { vmid: 100, node: 'pve', ip: '10.0.0.9', endpointId: 7 };
    await knex('operations')
      .where({ id: provision.id })
      .update({ status: 'succeeded', result: JSON.stringify(facts) });
    const rows = Array.from({ length: past - 1 }, (_, i) => ({
      ...provision,
      id: randomUUID(),
      kind: i % 2 ? 'resume' : 'pause',
      status: 'succeeded',
      lock_key: null,
      result: JSON.stringify({ runningContainers: [`c${i}`] }),
      created_at: new Date(Date.now() + i),
    }));
    await knex.batchInsert('operations', rows, 100);
    await knex('environments')
      .where({ id: res.body.environment.id })
      .update({
        status: 'ready',
        vmid: 100,
        node: 'pve',
        facts: JSON.stringify(facts),
      });
    return name;
  }

  /** The queries one request makes, with its status. */
  async function cost(send: () => request.Test) {
    queries = [];
    const res = await send();
    const made = queries;
    queries = undefined;
    return { status: res.status, body: res.body, queries: made };
  }

  it('is the same with 5 and with 500 past operations', async () => {
    const few = await environmentWith(5);
    const many = await environmentWith(500);
    expect(Number((await knex('operations').count({ n: '*' }))[0].n)).toBe(505);

    const read = (name: string) =>
      cost(() =>
        request(server)
          .get(`${API}/environments/${name}/containers`)
          .set('Authorization', alice),
      );
    const pause = (name: string) =>
      cost(() =>
        request(server)
          .post(`${API}/environments/${name}/pause`)
          .set('Authorization', alice),
      );
    const [readFew, readMany] = [await read(few), await read(many)];
    expect([readFew.status, readMany.status]).toEqual([200, 200]);
    expect(readMany.queries).toEqual(readFew.queries);

    const [pauseFew, pauseMany] = [await pause(few), await pause(many)];
    expect([pauseFew.status, pauseMany.status]).toEqual([202, 202]);
    expect(pauseMany.queries).toEqual(pauseFew.queries);
    // no query of a request reads the operations of the environment wholesale
    expect(
      [...readMany.queries, ...pauseMany.queries].filter(sql =>
        /from [`"]operations[`"] where [`"]environment_id[`"] = \? and [`"]status[`"] = \? order by/i.test(
          sql,
        ),
      ),
    ).toEqual([]);
  });

  const operationsPage = (name: string, query: string) =>
    cost(() =>
      request(server)
        .get(`${API}/environments/${name}/operations${query}`)
        .set('Authorization', alice),
    );

  it('pages the operations list newest first with a cursor; each page costs the same', async () => {
    const name = await environmentWith(250);
    const seen: string[] = [];
    const created: string[] = [];
    const pageQueries: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = cursor
        ? `?limit=100&cursor=${encodeURIComponent(cursor)}`
        : '?limit=100';
      const page = await operationsPage(name, query);
      expect(page.status).toBe(200);
      pageQueries.push(page.queries.length);
      seen.push(...page.body.items.map((o: { id: string }) => o.id));
      created.push(
        ...page.body.items.map((o: { createdAt: string }) => o.createdAt),
      );
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect([...created].sort().reverse()).toEqual(created);
    expect(new Set(pageQueries).size).toBe(1);

    const bad = await request(server)
      .get(`${API}/environments/${name}/operations?cursor=nonsense`)
      .set('Authorization', alice);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^cursor: /);
  });
});
