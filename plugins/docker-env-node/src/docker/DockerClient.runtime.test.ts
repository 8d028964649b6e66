import { UpstreamApiError } from '../errors';
import type { DockerEventMessage } from './types';
import { useLabEngine } from '@docker-env/lab-testing/clients/labEngine';
import {
  eventually,
  rejection,
} from '@docker-env/lab-testing/clients/promises';

describe('DockerClient against the lab engine: logs, stats, health and faults', () => {
  const lab = useLabEngine();

  it('demultiplexes logs into stdout and stderr', async () => {
    await lab.client.createContainer({
      name: 'logger',
      image: 'nginx:latest',
      ports: [{ containerPort: 80 }],
    });
    await lab.client.start('logger');
    const port = (await lab.client.inspect('logger')).ports[0].hostPort;
    await fetch(`http://127.0.0.1:${port}/hello`);
    const logs = await lab.client.logs('logger');
    expect(logs.stdout).toMatch(/"GET \/hello HTTP\/1\.1" 200/);
    expect(logs.stdout).not.toContain('listening on');
    expect(logs.stderr).toContain(`lab-http: listening on 127.0.0.1:${port}`);
    expect(logs.stderr).not.toContain('GET /hello');
    const onlyOut = await lab.client.logs('logger', {
      stderr: false,
      tail: 1,
      timestamps: true,
    });
    expect(onlyOut.stderr).toBe('');
    expect(onlyOut.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z .*GET \/hello/,
    );
    expect(onlyOut.stdout.trim().split('\n')).toHaveLength(1);
    await lab.client.remove('logger', { force: true });
  });

  it('computes stats like docker stats', async () => {
    await lab.client.createContainer({
      name: 'busy',
      image: 'nginx:latest',
      memoryBytes: 128 * 1024 * 1024,
      labels: { 'lab.cpu.percent': '50' },
    });
    await lab.client.start('busy');
    await new Promise(r => setTimeout(r, 50));
    await lab.client.stats('busy');
    await new Promise(r => setTimeout(r, 100));
    const stats = await lab.client.stats('busy');
    expect(stats.memoryLimitBytes).toBe(128 * 1024 * 1024);
    expect(stats.memoryUsageBytes).toBeGreaterThan(0);
    expect(stats.memoryPercent).toBeGreaterThan(0);
    expect(stats.cpuPercent).toBeGreaterThan(0);
    await lab.client.remove('busy', { force: true });
  });

  it('waits for a healthy container and fails on an unhealthy one', async () => {
    const events: DockerEventMessage[] = [];
    const sub = await lab.client.subscribeEvents(e => events.push(e), {
      types: ['container'],
      labels: { 'docker-env.test': 'health' },
    });
    try {
      const healthcheck = {
        test: ['CMD', 'curl', '-f', 'http://localhost/health'],
        intervalMs: 20,
        timeoutMs: 500,
        retries: 2,
      };
      await lab.client.createContainer({
        name: 'good',
        image: 'nginx:latest',
        ports: [{ containerPort: 80 }],
        healthcheck,
        labels: { 'docker-env.test': 'health' },
      });
      await lab.client.createContainer({
        name: 'sick',
        image: 'nginx:latest',
        ports: [{ containerPort: 80 }],
        healthcheck,
        labels: { 'docker-env.test': 'health', 'lab.health.status': '503' },
      });
      await lab.client.start('good');
      await lab.client.start('sick');
      expect((await lab.client.inspect('good')).health?.status).toBe(
        'starting',
      );
      const good = await lab.client.waitForHealthy('good', {
        tries: 100,
        intervalMs: 10,
      });
      expect(good.health).toMatchObject({
        status: 'healthy',
        failingStreak: 0,
      });
      expect(good.health!.log[0]).toMatchObject({ exitCode: 0 });
      const err = await rejection(
        lab.client.waitForHealthy('sick', { tries: 100, intervalMs: 10 }),
      );
      expect(err).toBeInstanceOf(UpstreamApiError);
      expect(err.reason).toBe('unhealthy');
      expect(err.message).toContain('returned error: 503');
      const sick = await lab.client.inspect('sick');
      expect(sick.health!.failingStreak).toBeGreaterThanOrEqual(2);

      // the program's behaviour can change at runtime: the healthy one goes unhealthy
      lab.sim.engine.setBehaviour('good', { healthStatus: 500 });
      await eventually(
        () => lab.client.inspect('good'),
        d => d.health?.status === 'unhealthy',
      );
      await eventually(
        () => events,
        list =>
          list.some(
            e =>
              e.action === 'health_status: unhealthy' &&
              e.attributes.name === 'good',
          ),
      );
      expect(events.map(e => `${e.attributes.name}:${e.action}`)).toEqual(
        expect.arrayContaining([
          'good:create',
          'sick:create',
          'good:start',
          'good:health_status: healthy',
          'sick:health_status: unhealthy',
        ]),
      );
    } finally {
      sub.close();
      await lab.client.remove('good', { force: true }).catch(() => undefined);
      await lab.client.remove('sick', { force: true }).catch(() => undefined);
    }
  });

  it('fails waitForHealthy when the container exits', async () => {
    await lab.client.createContainer({
      name: 'crasher',
      image: 'busybox:latest',
      labels: { 'lab.exit.after.ms': '30', 'lab.exit.code': '3' },
      healthcheck: { test: ['CMD-SHELL', 'true'], intervalMs: 60_000 },
    });
    await lab.client.start('crasher');
    const err = await rejection(
      lab.client.waitForHealthy('crasher', { tries: 50, intervalMs: 10 }),
    );
    expect(err.reason).toBe('exited');
    expect(err.message).toContain('exit code 3');
    await lab.client.remove('crasher');
  });

  it('maps injected engine failures to UpstreamApiError with status and message', async () => {
    lab.sim.control.injectFault({
      operation: 'docker.container.list',
      action: {
        kind: 'fail',
        status: 500,
        body: { message: 'lab: daemon busy' },
      },
    });
    const err = await rejection(lab.client.listContainers());
    expect(err).toMatchObject({
      system: 'docker',
      status: 500,
      reason: 'lab: daemon busy',
      operation: 'GET /containers/json',
    });
  });
});
