import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import { runSteps } from '@docker-env/lab-testing/workflows/runSteps';
import { buildRolloutSteps, ROLLOUT_STEP_NAMES } from './buildRolloutSteps';
import {
  appSpec,
  deploy,
  fastConfig,
  liveContainers,
  RolloutLab,
  startRolloutLab,
  WELCOME,
} from '@docker-env/lab-testing/workflows/rolloutLab';
import { underLoad } from '@docker-env/lab-testing/workflows/load';

// The rollout steps against the lab's Docker engine (through the production DockerClient), with the lab's edge
// serving the route folder the steps write.
describe('rollout on the lab engine', () => {
  jest.setTimeout(60_000);
  let lab: RolloutLab;

  beforeEach(async () => {
    lab = await startRolloutLab();
  });
  afterEach(async () => {
    await lab.stop();
  });

  const serves = async (container: string, host?: string) => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const r = await lab.get(host);
      if (r.container === container) return;
      if (Date.now() > deadline)
        throw new Error(`edge serves ${JSON.stringify(r)}, not ${container}`);
      await new Promise(res => setTimeout(res, 20));
    }
  };

  it('replaces the welcome container on the host with the first deployment, then rolls out a new image', async () => {
    await serves(WELCOME.name);
    const first = await deploy(lab, appSpec());
    expect(first.ok).toBe(true);
    expect(first.done).toEqual([...ROLLOUT_STEP_NAMES]);
    expect(first.facts).toMatchObject({
      primary: true,
      oldContainerId: null,
      previousBackend: { port: WELCOME.port },
      healthCheck: 'http',
    });
    await serves('app');
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:1',
    });
    const details = await lab.docker.inspect('app');
    expect(details.labels).toMatchObject({
      team: 'a',
      'io.docker-env.environment': 'env-shop',
      'io.docker-env.deployment': first.facts.deploymentId ?? 'dep-1',
    });
    expect(details.restartPolicy).toBe('unless-stopped');

    const second = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/app:2' }),
    );
    expect(second.ok).toBe(true);
    expect(second.facts).toMatchObject({
      primary: true,
      oldContainerId: details.id,
    });
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:2',
    });
    expect(
      (await lab.docker.listContainers({ all: true })).map(c => c.name).sort(),
    ).toEqual(['app', WELCOME.name]);
    await serves('app');
  });

  it('switches with zero failed requests through the edge under load', async () => {
    await deploy(lab, appSpec());
    await serves('app');
    const load = await underLoad(
      async () => {
        const r = await lab.get();
        return { status: r.status, label: r.container };
      },
      () =>
        deploy(
          lab,
          appSpec({ image: 'registry.example.com/team/app:2' }),
          fastConfig({ graceMs: 300 }),
        ),
      { concurrency: 4, maxRequests: 50_000 },
    );
    expect(load.result.ok).toBe(true);
    expect(load.failures).toEqual([]);
    expect(load.sent).toBeGreaterThan(50);
    // the old container, then the new one before and after its rename
    expect(load.seen[0]).toBe('app');
    expect(load.seen).toContain('app-new');
    expect(load.seen.at(-1)).toBe('app');
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:2',
    });
  });

  it('uses the image HEALTHCHECK when it has one', async () => {
    const run = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/checked:1' }),
    );
    expect(run.ok).toBe(true);
    expect(run.facts.healthCheck).toBe('docker');
  });

  it('sees a HEALTHCHECK that turns healthy within the first interval at once, not an interval later', async () => {
    const began = Date.now();
    const run = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/checked:1' }),
      fastConfig({ healthIntervalMs: 10_000 }),
    );
    expect(run.ok).toBe(true);
    // `starting` first (the image probes every 50 ms), healthy on a quick re-check
    expect(run.facts.healthChecks).toBeGreaterThan(1);
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('rolls back an unhealthy container: the old one keeps serving, the reason carries its last log lines', async () => {
    await deploy(lab, appSpec());
    const before = await lab.docker.inspect('app');
    const run = await deploy(
      lab,
      appSpec({
        image: 'registry.example.com/team/app:2',
        env: { LAB_HEALTH_STATUS: '503' },
      }),
    );
    expect(run.ok).toBe(false);
    expect(run.failed!.step).toBe('health');
    expect(run.undoErrors).toEqual([]);
    expect(run.failed!.error.message).toMatch(
      /app-new failed its health check: not healthy after 12 checks .*answered 503/,
    );
    // the program's access log: the health requests it answered, the container's env values redacted
    expect(run.failed!.error.message).toMatch(
      /last log lines of app-new:\n[\s\S]*"GET \/health HTTP\/1\.1" \[redacted\]/,
    );
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:1',
    });
    expect((await lab.docker.inspect('app')).id).toBe(before.id);
    await serves('app');
  });

  it('rolls back when the image HEALTHCHECK reports unhealthy', async () => {
    await deploy(lab, appSpec());
    const run = await deploy(
      lab,
      appSpec({
        image: 'registry.example.com/team/checked:1',
        env: { LAB_HEALTH_STATUS: '500' },
      }),
    );
    expect(run.failed?.step).toBe('health');
    expect(run.failed!.error.message).toMatch(/HEALTHCHECK reports unhealthy/);
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:1',
    });
    await serves('app');
  });

  it('fails at the pull on an unknown image and on an error inside the pull stream, changing nothing', async () => {
    await deploy(lab, appSpec());
    const unknown = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/absent:1' }),
    );
    expect(unknown.failed?.step).toBe('pull');
    lab.engine.control.injectFault({
      operation: 'docker.image.pull',
      action: {
        kind: 'fail',
        status: 500,
        reason: 'layer broke: unexpected EOF',
      },
    });
    const broken = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/app:2' }),
    );
    expect(broken.failed?.step).toBe('pull');
    expect(broken.failed!.error.message).toMatch(/layer broke: unexpected EOF/);
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:1',
    });
    await serves('app');
  });

  it.each([
    ['docker.container.start', 'start'],
    ['docker.container.remove', 'retire'],
  ])(
    'rolls back when the engine fails half-way (%s)',
    async (operation, step) => {
      await deploy(lab, appSpec());
      lab.engine.control.injectFault({
        operation,
        action: { kind: 'fail', status: 500, reason: 'engine broke' },
      });
      const run = await deploy(
        lab,
        appSpec({ image: 'registry.example.com/team/app:2' }),
      );
      expect(run.failed?.step).toBe(step);
      expect(run.undoErrors).toEqual([]);
      expect(await liveContainers(lab.docker)).toEqual({
        app: 'registry.example.com/team/app:1',
      });
      await serves('app');
    },
  );

  it('retires the old container in one forced DELETE, or stops it first when stopTimeoutSeconds is set', async () => {
    await deploy(lab, appSpec());
    const calls = () =>
      ['stop', 'remove', 'inspect'].map(op =>
        lab.engine.control.callCount(`docker.container.${op}`),
      );
    const before = calls();
    const forced = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/app:2' }),
    );
    expect(forced.ok).toBe(true);
    const after = calls();
    // retire: one DELETE, no stop; no inspect in retire or rename (plan's, start's and health's only)
    expect(after[0] - before[0]).toBe(0);
    expect(after[1] - before[1]).toBe(1);
    const inspectsOfStart = 2;
    expect(after[2] - before[2]).toBe(1 + inspectsOfStart + 1);
    const stopped = await deploy(
      lab,
      appSpec(),
      fastConfig({ stopTimeoutSeconds: 1 }),
    );
    expect(stopped.ok).toBe(true);
    expect(calls()[0] - after[0]).toBe(1);
    expect(await liveContainers(lab.docker)).toEqual({
      app: 'registry.example.com/team/app:1',
    });
    await serves('app');
  });

  it('keeps the new container serving when the engine fails after the old one is gone', async () => {
    await deploy(lab, appSpec());
    lab.engine.control.injectFault({
      operation: 'docker.container.rename',
      action: { kind: 'fail', status: 500, reason: 'engine broke' },
    });
    const run = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/app:2' }),
    );
    expect(run.failed?.step).toBe('rename');
    expect(run.undoErrors.map(u => u.error.message)).toEqual([
      expect.stringMatching(
        /old container app is gone; the new one keeps serving/,
      ),
    ]);
    expect(await liveContainers(lab.docker)).toEqual({
      'app-new': 'registry.example.com/team/app:2',
    });
    await serves('app-new');
  });

  it('gives a second container its own route and leaves the host to the primary', async () => {
    await deploy(lab, appSpec());
    const api = await deploy(lab, appSpec({ container: 'api' }));
    expect(api.ok).toBe(true);
    expect(api.facts.primary).toBe(false);
    await serves('api', 'api.shop.docker.localhost');
    await serves('app');
    const again = await deploy(lab, appSpec({ container: 'api' }));
    expect(again.facts).toMatchObject({ primary: false });
    await serves('api', 'api.shop.docker.localhost');
    const marked = await deploy(
      lab,
      appSpec({ container: 'api', primary: true }),
    );
    expect(marked.facts.primary).toBe(true);
    await serves('api');
  });

  it("switches a route file an earlier version wrote (marking it as the environment's), and refuses another's", async () => {
    const file = path.join(lab.routesDir, 'dockerenv_shop.yml');
    const marked = await fs.readFile(file, 'utf8');
    // as the version before the marks wrote it: its header line, no mark
    await fs.writeFile(
      file,
      marked.replace(
        /^.*\n.*\n/,
        '# Managed by docker-env: changes are overwritten.\n',
      ),
    );
    const first = await deploy(lab, appSpec());
    expect(first.ok).toBe(true);
    await serves('app');
    expect(await lab.routes.store.owner('dockerenv_shop')).toBe('env-shop');

    const theirs = (await fs.readFile(file, 'utf8')).replace(
      '# docker-env-environment: env-shop',
      '# docker-env-environment: env-other',
    );
    await fs.writeFile(file, theirs);
    const refused = await deploy(
      lab,
      appSpec({ image: 'registry.example.com/team/app:2' }),
    );
    expect(refused.failed?.step).toBe('switch');
    expect(refused.failed!.error.message).toBe(
      'route file dockerenv_shop.yml is marked for environment env-other: it was not overwritten for environment env-shop (remove or rename it by hand if it is a leftover)',
    );
    expect(await fs.readFile(file, 'utf8')).toBe(theirs);
    await serves('app');
  });

  it('refuses to replace a container that is not ours', async () => {
    await lab.docker.createContainer({
      name: 'app',
      image: 'nginx:1.27',
      labels: { 'io.docker-env.environment': 'someone-else' },
    });
    const run = await deploy(lab, appSpec());
    expect(run.failed?.step).toBe('pull');
    expect(run.failed!.error.message).toMatch(/is not ours/);
  });
});

describe('rollout interrupted (the backend killed half-way)', () => {
  jest.setTimeout(120_000);
  let lab: RolloutLab;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    // small engine latencies, so the kill lands inside the engine calls
    lab = await startRolloutLab(0.02);
  });
  afterEach(async () => {
    await lab.stop();
  });

  /** Runs steps before `k`, kills step `k` after `afterMs`, waits for the engine to settle (the lease expiring). */
  async function killAt(k: number, afterMs: number) {
    const config = fastConfig({ graceMs: 50 });
    const spec = appSpec({ image: 'registry.example.com/team/app:2' });
    const steps = buildRolloutSteps(lab.deps, config, spec);
    const before = await runSteps(steps.slice(0, k), lab.target, lab.facts);
    expect(before.ok).toBe(true);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('killed')), afterMs);
    await steps[k]
      .run({
        target: lab.target,
        facts: before.facts,
        signal: controller.signal,
        logger,
      })
      .catch(() => undefined);
    await new Promise(r => setTimeout(r, 300));
    return { steps, facts: before.facts };
  }

  const oneServing = async (image: string) => {
    const live = await liveContainers(lab.docker);
    expect(Object.keys(live)).toHaveLength(1);
    const [name] = Object.keys(live);
    expect(live[name]).toBe(image);
    const deadline = Date.now() + 3000;
    while ((await lab.get()).container !== name) {
      if (Date.now() > deadline) throw new Error(`${name} is not served`);
      await new Promise(r => setTimeout(r, 20));
    }
    return name;
  };

  it.each(ROLLOUT_STEP_NAMES.map((n, k) => [n, k]))(
    'resumed at %s: re-running the step finishes the rollout',
    async (_name, k) => {
      await deploy(lab, appSpec(), fastConfig());
      for (const afterMs of [2, 15]) {
        const { steps, facts } = await killAt(k as number, afterMs);
        const resumed = await runSteps(
          steps.slice(k as number),
          lab.target,
          facts,
        );
        expect(resumed.failed?.error.message).toBeUndefined();
        expect(await oneServing('registry.example.com/team/app:2')).toBe('app');
        // the next round starts from app:1 again
        const back = await deploy(lab, appSpec());
        expect(back.ok).toBe(true);
      }
    },
  );

  it.each(
    ROLLOUT_STEP_NAMES.slice(0, ROLLOUT_STEP_NAMES.indexOf('grace') + 1).map(
      (n, k) => [n, k],
    ),
  )(
    'interrupted at %s and rolled back: the old container serves alone',
    async (_name, k) => {
      await deploy(lab, appSpec(), fastConfig());
      const { steps, facts } = await killAt(k as number, 5);
      for (const step of steps.slice(0, (k as number) + 1).reverse())
        await step.undo?.({
          target: lab.target,
          facts,
          signal: new AbortController().signal,
          logger,
        });
      expect(await oneServing('registry.example.com/team/app:1')).toBe('app');
    },
  );
});
