/*
 * Benchmark of a deployment's rollout on the lab's Docker engine at its default latencies (pull 1 s, create 50 ms,
 * start 300 ms, stop 200 ms), through the production DockerClient and route writer (prints figures; not a unit test):
 *
 *   ratio = (time to succeeded - grace) / (pull + start + time to the first healthy check)   target <= 1.1
 *
 * Run: (cd plugins/docker-env-node && yarn bench)
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { OperationStep } from '../src/operations';
import { buildRolloutSteps } from '../src/deployments';
import {
  appSpec,
  fastConfig,
  startRolloutLab,
} from '../src/deployments/__testUtils__/rolloutLab';

const ROUNDS = 5;
const GRACE_MS = 2000;

async function timedRollout(
  steps: OperationStep[],
  run: (
    s: OperationStep,
    facts: Record<string, unknown>,
  ) => Promise<Record<string, unknown> | void>,
) {
  const durations: Record<string, number> = {};
  let facts: Record<string, unknown> = {};
  const began = performance.now();
  for (const step of steps) {
    const t = performance.now();
    facts = { ...facts, ...((await run(step, facts)) ?? {}) };
    durations[step.name] = performance.now() - t;
  }
  return { total: performance.now() - began, durations };
}

describe('rollout benchmark', () => {
  jest.setTimeout(300_000);

  it('prints the rollout overhead ratio', async () => {
    const lab = await startRolloutLab(1);
    const logger = mockServices.logger.mock();
    const config = fastConfig({
      graceMs: GRACE_MS,
      healthIntervalMs: 1000,
      stepTimeoutMs: 30_000,
      pullTimeoutMs: 30_000,
    });
    const ratios: number[] = [];
    try {
      for (let i = 0; i < ROUNDS; i++) {
        const spec = appSpec({
          image: `registry.example.com/team/app:${(i % 2) + 1}`,
        });
        const steps = buildRolloutSteps(lab.deps, config, spec);
        const { total, durations } = await timedRollout(steps, (step, facts) =>
          step.run({
            target: lab.target,
            facts: { ...lab.facts, ...facts },
            signal: new AbortController().signal,
            logger,
          }),
        );
        const essential = durations.pull + durations.start + durations.health;
        const ratio = (total - GRACE_MS) / essential;
        ratios.push(ratio);
        // eslint-disable-next-line no-console
        console.log(
          `round ${i + 1}: succeeded after ${total.toFixed(
            0,
          )} ms (grace ${GRACE_MS}); pull ${durations.pull.toFixed(
            0,
          )} + start ${durations.start.toFixed(
            0,
          )} + first healthy check ${durations.health.toFixed(
            0,
          )} = ${essential.toFixed(0)} ms; other steps ${Object.entries(
            durations,
          )
            .filter(([n]) => !['pull', 'start', 'health', 'grace'].includes(n))
            .map(([n, d]) => `${n} ${d.toFixed(0)}`)
            .join(', ')}; ratio ${ratio.toFixed(3)}`,
        );
      }
    } finally {
      await lab.stop();
    }
    const worst = Math.max(...ratios);
    // eslint-disable-next-line no-console
    console.log(
      `rollout ratio over ${ROUNDS} rounds: worst ${worst.toFixed(3)}, mean ${(
        ratios.reduce((a, b) => a + b, 0) / ratios.length
      ).toFixed(3)} (target <= 1.1)`,
    );
    expect(worst).toBeLessThanOrEqual(1.1);
  });
});
