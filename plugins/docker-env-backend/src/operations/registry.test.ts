import { ConfigReader } from '@backstage/config';
import type {
  OperationStep,
  StepContext,
} from '@docker-env/plugin-docker-env-workflows-node';
import { mockServices } from '@backstage/backend-test-utils';
import { operationRegistryFromConfig, seededStep } from './registry';

const context = (facts: Record<string, unknown>): StepContext => ({
  target: {
    environmentId: 'e1',
    name: 'alpha',
    owner: 'user:default/alice',
    cpuCores: 1,
    memoryMb: 1024,
    diskGb: 8,
    purpose: '',
    management: 'managed',
  },
  facts,
  signal: new AbortController().signal,
  logger: mockServices.logger.mock(),
});

describe('operationRegistryFromConfig', () => {
  it('registers provision, restore, the eight lifecycle kinds and deploy, building clients only when an operation plans', () => {
    const registry = operationRegistryFromConfig(new ConfigReader({}));
    expect(Object.keys(registry).sort()).toEqual(
      [
        'delete',
        'deploy',
        'pause',
        'provision',
        'resize',
        'restore',
        'resume',
        'snapshot_create',
        'snapshot_delete',
        'snapshot_rollback',
        'transfer',
      ].sort(),
    );
    // No `dockerEnv.proxmox` config: the plan fails naming it, not the start-up.
    expect(() => registry.pause!.steps(context({}).target, {})).toThrow(
      /proxmox/i,
    );
  });
});

describe('the deploy kind', () => {
  const registry = operationRegistryFromConfig(
    new ConfigReader({
      dockerEnv: {
        traefik: { baseDomain: 'docker.localhost', directory: '/tmp/x' },
        docker: { kind: 'tcp', allowInsecure: true },
      },
    }),
  );
  it('builds the rollout steps for the deployment in the input and re-runs an interrupted step', () => {
    const steps = registry.deploy!.steps(context({}).target, {
      ip: '127.0.0.1',
      deployment: {
        deploymentId: 'd1',
        image: 'nginx:1.27',
        container: 'web',
        port: 80,
      },
    });
    expect(steps.map(s => s.name)).toEqual([
      'pull',
      'start',
      'health',
      'switch',
      'grace',
      'retire',
      'rename',
    ]);
    expect(registry.deploy!.onInterrupted).toBe('rerun');
  });
  it('refuses a deployment with a bad field, naming it', () => {
    expect(() =>
      registry.deploy!.steps(context({}).target, {
        deployment: {
          deploymentId: 'd1',
          image: 'nginx',
          container: 'Web!',
          port: 80,
        },
      }),
    ).toThrow(/^container: /);
  });
});

describe('seededStep', () => {
  it('gives run and undo the input as facts, under what earlier steps learnt', async () => {
    const seen: Record<string, unknown>[] = [];
    const step: OperationStep = {
      name: 'probe',
      timeoutMs: 1000,
      run: async ctx => {
        seen.push({ ...ctx.facts });
      },
      undo: async ctx => {
        seen.push({ ...ctx.facts });
      },
    };
    const seeded = seededStep(step, { vmid: 100, ip: '10.0.0.1' });
    await seeded.run(context({ ip: '10.0.0.2' }));
    await seeded.undo!(context({}));
    expect(seen).toEqual([
      { vmid: 100, ip: '10.0.0.2' },
      { vmid: 100, ip: '10.0.0.1' },
    ]);
  });
});
