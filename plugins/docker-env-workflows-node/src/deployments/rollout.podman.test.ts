import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DockerClient } from '@docker-env/plugin-docker-env-node';
import { runSteps } from '@docker-env/lab-testing/workflows/runSteps';
import type { OperationTarget } from '../operations';
import {
  LocalRouteStore,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import { mockServices } from '@backstage/backend-test-utils';
import { buildRolloutSteps, ROLLOUT_STEP_NAMES } from './buildRolloutSteps';
import { DEPLOYMENT_LABELS } from './containers';
import { fastConfig } from '@docker-env/lab-testing/workflows/rolloutLab';
import type { RolloutSpec } from './types';

// The rollout against a real Docker-API engine: podman's API service (the test services start it; source
// /work/wt/services.env or .tools/services/podman.env). Containers share the host network and run ONE program,
// busybox httpd on 127.0.0.1 at the port the rollout hands them in PORT. Under CI, a podman that was started
// but is not reachable through the environment fails this suite instead of skipping it.
const socket = process.env.DOCKER_ENV_TEST_PODMAN_SOCKET;
const image =
  process.env.DOCKER_ENV_TEST_PODMAN_IMAGE ??
  'localhost/docker-env-busybox:latest';
const podmanStarted = fs.existsSync(
  path.resolve(__dirname, '../../../../.tools/services/podman/podman.pid'),
);
const describeReal =
  socket || (process.env.CI && podmanStarted) ? describe : describe.skip;

describeReal('rollout on a real engine (podman)', () => {
  jest.setTimeout(120_000);
  const prefix = `dep${process.pid}`;
  const docker = new DockerClient(
    { kind: 'socket', socketPath: socket ?? '/nonexistent/podman.sock' },
    { timeoutMs: 30_000 },
  );
  const target: OperationTarget = {
    environmentId: `env-${prefix}`,
    name: 'shop',
    owner: 'group:default/team-a',
    cpuCores: 1,
    memoryMb: 512,
    diskGb: 1,
  };
  const base = 21000 + (process.pid % 50) * 20;
  const config = fastConfig({
    networkMode: 'host',
    pullPolicy: 'missing',
    hostPorts: { from: base, to: base + 19 },
    healthTries: 25,
    healthIntervalMs: 100,
  });
  let dir: string;
  let routes: TraefikRoutes;
  let n = 0;
  const logger = mockServices.logger.mock();

  const spec = (values: Partial<RolloutSpec> = {}): RolloutSpec => ({
    deploymentId: `${prefix}-${++n}`,
    image,
    container: `${prefix}-web`,
    port: 8080,
    healthPath: '/index.html',
    command: [
      '/bin/busybox',
      'sh',
      '-c',
      'exec /bin/busybox httpd -f -v -p 127.0.0.1:$PORT -h /www',
    ],
    labels: { 'docker-env.test': prefix },
    ...values,
  });
  const deploy = (s: RolloutSpec) =>
    runSteps(
      buildRolloutSteps({ docker: () => docker, routes }, config, s),
      target,
      { ip: '127.0.0.1' },
    );
  const ours = async () =>
    (
      await docker.listContainers({
        all: true,
        labels: { 'docker-env.test': prefix },
      })
    ).map(c => ({ name: c.name, state: c.state, labels: c.labels }));
  /** The one container that runs, served by the route (its port answers). */
  const servedAlone = async () => {
    const all = await ours();
    expect(all.map(c => [c.name, c.state])).toEqual([
      [`${prefix}-web`, 'running'],
    ]);
    const port = Number(all[0].labels[DEPLOYMENT_LABELS.hostPort]);
    const doc = await routes.getRoute('shop');
    expect(JSON.stringify(doc)).toContain(`http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/index.html`);
    expect(res.status).toBe(200);
    return all[0].labels[DEPLOYMENT_LABELS.deployment];
  };

  beforeAll(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'deploy2-podman-'));
    routes = new TraefikRoutes(new LocalRouteStore(dir), {
      baseDomain: 'docker.localhost',
      entryPoints: ['web'],
      tls: false,
    });
  });
  afterAll(async () => {
    for (const c of await ours())
      await docker.remove(c.name, { force: true }).catch(() => undefined);
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('deploys, then replaces the container with a healthy one', async () => {
    const first = await deploy(spec());
    expect(first.failed?.error.message).toBeUndefined();
    expect(first.facts).toMatchObject({ networkMode: 'host', primary: true });
    expect(await servedAlone()).toBe(`${prefix}-1`);
    const second = await deploy(spec());
    expect(second.failed?.error.message).toBeUndefined();
    expect(second.facts.newHostPort).not.toBe(first.facts.newHostPort);
    expect(await servedAlone()).toBe(`${prefix}-2`);
  });

  it('rolls back an unhealthy container; the old one keeps serving', async () => {
    const run = await deploy(spec({ healthPath: '/absent' }));
    expect(run.failed?.step).toBe('health');
    expect(run.failed!.error.message).toMatch(/answered 404/);
    expect(run.undoErrors).toEqual([]);
    expect(await servedAlone()).toBe(`${prefix}-2`);
  });

  it('fails at the pull of an image no registry serves, changing nothing', async () => {
    const run = await deploy(spec({ image: '127.0.0.1:1/nothing/here:1' }));
    expect(run.failed?.step).toBe('pull');
    expect(await servedAlone()).toBe(`${prefix}-2`);
  });

  it('rolls back when the engine fails half-way (the new program cannot start)', async () => {
    const run = await deploy(spec({ command: ['/nonexistent/program'] }));
    expect(run.failed?.step).toBe('start');
    expect(run.undoErrors).toEqual([]);
    expect(await servedAlone()).toBe(`${prefix}-2`);
  });

  it('resumes a rollout whose runner died at any step and ends with one serving container', async () => {
    for (let k = 0; k < ROLLOUT_STEP_NAMES.length; k++) {
      const s = spec();
      const steps = buildRolloutSteps(
        { docker: () => docker, routes },
        config,
        s,
      );
      const before = await runSteps(steps.slice(0, k), target, {
        ip: '127.0.0.1',
      });
      expect(before.ok).toBe(true);
      const killed = new AbortController();
      setTimeout(() => killed.abort(new Error('killed')), 20);
      await steps[k]
        .run({ target, facts: before.facts, signal: killed.signal, logger })
        .catch(() => undefined);
      // the engine finishes what it was asked before the lease of the dead runner expires
      await new Promise(r => setTimeout(r, 500));
      const resumed = await runSteps(steps.slice(k), target, before.facts);
      expect(resumed.failed?.error.message).toBeUndefined();
      expect(await servedAlone()).toBe(s.deploymentId);
    }
  });
});
