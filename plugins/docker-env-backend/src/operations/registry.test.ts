import { ConfigReader } from '@backstage/config';
import type {
  OperationStep,
  StepContext,
} from '@docker-env/plugin-docker-env-node';
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
  it('registers provision and the six lifecycle kinds, building clients only when an operation plans', () => {
    const registry = operationRegistryFromConfig(new ConfigReader({}));
    expect(Object.keys(registry).sort()).toEqual(
      [
        'delete',
        'pause',
        'provision',
        'resume',
        'snapshot_create',
        'snapshot_delete',
        'snapshot_rollback',
      ].sort(),
    );
    // No `dockerEnv.proxmox` config: the plan fails naming it, not the start-up.
    expect(() => registry.pause!.steps(context({}).target, {})).toThrow(
      /proxmox/i,
    );
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
