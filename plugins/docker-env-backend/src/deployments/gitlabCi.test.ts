import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_REGISTRY_IMAGES,
  DockerEngineSimulator,
} from '@docker-env/lab';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

// The example pipeline (docs/examples/.gitlab-ci.yml), its deploy job run for real by gitlab-ci-local (a
// devDependency, locked in yarn.lock; it needs Node 22 and Debian's rsync, from scripts/deps/debian.txt) against the
// plugin on loopback, whose runner rolls out on the lab's Docker engine. Under CI a missing rsync fails instead of
// skipping.
const GITLAB_CI_LOCAL_PACKAGE = require.resolve('gitlab-ci-local/package.json');
const GITLAB_CI_LOCAL = path.join(
  path.dirname(GITLAB_CI_LOCAL_PACKAGE),
  require(GITLAB_CI_LOCAL_PACKAGE).bin,
);
const hasRsync = (() => {
  try {
    execFileSync('rsync', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const describeRunnable = hasRsync || process.env.CI ? describe : describe.skip;
const run = promisify(execFile);
const EXAMPLE = path.resolve(
  __dirname,
  '../../../../docs/examples/.gitlab-ci.yml',
);

describeRunnable(
  'the example .gitlab-ci.yml, deploy job (gitlab-ci-local)',
  () => {
    jest.setTimeout(240_000);
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    const ip = `127.89.${process.pid % 250}.1`;
    let engine: DockerEngineSimulator;
    let backend: Awaited<ReturnType<typeof startDockerEnvTestBackend>>;
    let work: string;
    let token: string;

    beforeAll(async () => {
      if (!hasRsync)
        throw new Error('gitlab-ci-local needs rsync: apt-get install rsync');
      work = await fs.promises.mkdtemp(
        path.join(os.tmpdir(), 'deploy2-gitlab-'),
      );
      engine = await DockerEngineSimulator.start({
        host: ip,
        latencyScale: 0,
        registry: [
          ...DEFAULT_REGISTRY_IMAGES,
          // in the project's private registry: pulled with the job's credentials only
          {
            ref: 'registry.gitlab.example.com/team/app:1',
            exposedPorts: ['80/tcp'],
            auth: { username: 'gitlab-ci-token', password: 'job-token-1' },
          },
          // its program answers 503 on /health: the rollout must roll back
          {
            ref: 'registry.example.com/team/broken:1',
            exposedPorts: ['80/tcp'],
            env: ['LAB_HEALTH_STATUS=503'],
          },
        ],
      });
      const knex = await databases.init('SQLITE_3');
      backend = await startDockerEnvTestBackend({
        knex,
        config: {
          dockerEnv: {
            runner: { enabled: true, pollIntervalMs: 100 },
            traefik: {
              baseDomain: 'docker.localhost',
              entryPoints: ['web'],
              tls: false,
              directory: work,
            },
            docker: { kind: 'tcp', port: engine.port, allowInsecure: true },
            deployments: {
              healthTries: 5,
              healthIntervalMs: 50,
              graceMs: 100,
              stopTimeoutSeconds: 1,
            },
          },
        },
      });
      // a ready environment whose provisioning learnt the guest's address
      const id = randomUUID();
      const now = new Date();
      await knex('environments').insert({
        id,
        name: 'shop',
        owner: 'user:default/alice',
        status: 'ready',
        size: 'S',
        cpu_cores: 1,
        memory_mb: 1024,
        disk_gb: 8,
        purpose: '',
        created_by: 'user:default/alice',
        created_at: now,
        updated_at: now,
        // the facts the runner leaves on the row when provisioning succeeds
        facts: JSON.stringify({ ip }),
      });
      await knex('operations').insert({
        id: randomUUID(),
        environment_id: id,
        kind: 'provision',
        status: 'succeeded',
        input: '{}',
        result: JSON.stringify({ ip }),
        requested_by: 'user:default/alice',
        created_at: now,
        ended_at: now,
      });
      const created = await request(backend.server)
        .post('/api/docker-env/environments/shop/tokens')
        .set('Authorization', mockCredentials.user.header('user:default/alice'))
        .send({ description: 'gitlab' });
      if (created.status !== 201)
        throw new Error(`token creation answered ${created.status}`);
      token = created.body.token;
      // gitlab-ci-local wants a git checkout with a remote named origin
      const repo = path.join(work, 'repo');
      await fs.promises.mkdir(repo);
      await fs.promises.copyFile(EXAMPLE, path.join(repo, '.gitlab-ci.yml'));
      const git = (...args: string[]) =>
        run(
          'git',
          ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args],
          { cwd: repo },
        );
      await git('init', '-q');
      await git(
        'remote',
        'add',
        'origin',
        'https://gitlab.example.com/team/app.git',
      );
      await git('add', '.');
      await git('commit', '-qm', 'example');
    });

    afterAll(async () => {
      await backend?.stop();
      await engine?.stop();
      if (work) await fs.promises.rm(work, { recursive: true, force: true });
    });

    const deployJob = async (image: string) => {
      try {
        const { stdout } = await run(
          process.execPath,
          [
            GITLAB_CI_LOCAL,
            'deploy',
            '--force-shell-executor',
            '--variable',
            `PORTAL_URL=http://127.0.0.1:${backend.server.port()}`,
            '--variable',
            'DOCKER_ENV=shop',
            '--variable',
            `DOCKER_ENV_TOKEN=${token}`,
            '--variable',
            `IMAGE=${image}`,
            '--variable',
            'CONTAINER_PORT=80',
            '--variable',
            'CI_REGISTRY=registry.gitlab.example.com',
            '--variable',
            'CI_REGISTRY_USER=gitlab-ci-token',
            '--variable',
            'CI_REGISTRY_PASSWORD=job-token-1',
          ],
          {
            cwd: path.join(work, 'repo'),
            timeout: 120_000,
            env: { ...process.env, HOME: work },
          },
        );
        return { ok: true, output: stdout };
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
      }
    };

    it('passes for a healthy image from the private registry (the job credentials): the container runs it', async () => {
      const job = await deployJob('registry.gitlab.example.com/team/app:1');
      expect(job.output).toMatch(/deployment \S+ succeeded/);
      expect(job.ok).toBe(true);
      const web = engine.state.containers.find(
        c => c.Name.replace(/^\//, '') === 'web',
      );
      expect(web?.Image).toBe('registry.gitlab.example.com/team/app:1');
    });

    it('fails on a rollback, and the healthy container keeps running', async () => {
      const job = await deployJob('registry.example.com/team/broken:1');
      expect(job.ok).toBe(false);
      expect(job.output).toMatch(/rolled_back/);
      expect(job.output).toMatch(/answered 503/);
      const names = engine.state.containers.map(c => c.Name.replace(/^\//, ''));
      expect(names).toEqual(['web']);
    });
  },
);
