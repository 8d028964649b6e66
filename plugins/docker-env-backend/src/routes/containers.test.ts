import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import { Knex } from 'knex';
import request from 'supertest';
import {
  API,
  as,
  LabBackend,
  startLabBackend,
} from '@docker-env/lab-testing/backend/labBackend';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('container routes against the lab', () => {
  let l: LabBackend;
  let knex: Knex;
  const get = (path: string, user = 'alice') =>
    request(l.server).get(`${API}${path}`).set('Authorization', as(user));

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    l = await startLabBackend({ knex });
    await l.provision('boxes');
    // a container of the user's own, whose API_TOKEN shows up in its access log
    const facts = JSON.parse(
      (await knex('operations').where({ kind: 'provision' }).first()).result,
    );
    const docker = new DockerClient({
      kind: 'tcp',
      host: facts.ip,
      port: 2375,
      allowInsecure: true,
    });
    await docker.pullImage('traefik/whoami:latest');
    await docker.createContainer({
      name: 'worker',
      image: 'traefik/whoami:latest',
      ports: [{ containerPort: 80, hostPort: 8081 }],
      restartPolicy: 'always',
      env: { API_TOKEN: 'secret-worker-value' },
    });
    await docker.start('worker');
    for (let i = 0; i < 5; i++)
      await fetch(
        `http://${facts.ip}:8081/call-${i}?token=secret-worker-value`,
      );
  });
  afterAll(async () => {
    await l?.stop();
  });

  it('lists the containers with state, health, restarts, image and ports through Portainer', async () => {
    const res = await get('/environments/boxes/containers');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: any) => [c.name, c.state])).toEqual([
      ['docker-env-welcome', 'running'],
      ['portainer_agent', 'running'],
      ['worker', 'running'],
    ]);
    expect(res.body.items.find((c: any) => c.name === 'worker')).toMatchObject({
      image: 'traefik/whoami:latest',
      health: 'none',
      restartCount: 0,
      ports: [expect.objectContaining({ containerPort: 80, hostPort: 8081 })],
    });
    // an admin reads them too
    expect((await get('/environments/boxes/containers', 'root')).status).toBe(
      200,
    );
  });

  it('reads the last lines of the logs with the environment values redacted', async () => {
    const res = await get('/environments/boxes/containers/worker/logs?tail=3');
    expect(res.status).toBe(200);
    const lines = res.body.logs.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('/call-4?token=[redacted]');
    expect(JSON.stringify(res.body)).not.toContain('secret-worker-value');
    expect(res.body).toMatchObject({ container: 'worker', tail: 3 });
  });

  it('400 for a bad tail or container name, naming the field', async () => {
    for (const tail of ['0', '2001', 'abc', '1.5']) {
      const res = await get(
        `/environments/boxes/containers/worker/logs?tail=${tail}`,
      );
      expect([tail, res.status]).toEqual([tail, 400]);
      expect(res.body.error.message).toMatch(/^tail: must be a whole number/);
    }
    const bad = await get('/environments/boxes/containers/-x%20y/logs');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^container: /);
  });

  it('404 for an unknown environment or container', async () => {
    expect((await get('/environments/nowhere/containers')).status).toBe(404);
    const res = await get('/environments/boxes/containers/ghost/logs');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/container "ghost"/);
  });

  it('401 without credentials, 403 for a user outside the owners', async () => {
    for (const path of [
      '/environments/boxes/containers',
      '/environments/boxes/containers/worker/logs',
    ]) {
      const anonymous = await request(l.server)
        .get(`${API}${path}`)
        .set('Authorization', mockCredentials.none.header());
      expect([path, anonymous.status]).toEqual([path, 401]);
      expect([path, (await get(path, 'bob')).status]).toEqual([path, 403]);
    }
  });

  it('409 naming how to resume while the environment is paused', async () => {
    await knex('environments')
      .where({ name: 'boxes' })
      .update({ status: 'paused' });
    try {
      const res = await get('/environments/boxes/containers');
      expect(res.status).toBe(409);
      expect(res.body.error.message).toBe(
        'paused: its containers are stopped; POST /environments/boxes/resume',
      );
    } finally {
      await knex('environments')
        .where({ name: 'boxes' })
        .update({ status: 'ready' });
    }
  });
});
