/*
 * Benchmark of a deployment's rollout on the lab's Docker engine (create 50 ms, start 300 ms, stop 200 ms), through
 * the production DockerClient and route writer; every round pulls a tag the engine does not have yet
 * (prints figures; not a unit test):
 *
 *   ratio = (time to succeeded - grace) / (pull + start + time to the first healthy check)   target <= 1.1
 *
 * Two pull durations: the lab's default 1 s (a tiny image), and 5 s (an application image of ~50 MB on a fast
 * link). The overhead (plan, switch, stopping and removing the old container, rename) is about 300 ms whatever
 * the image, so the target holds for the second and not for the first; both are printed, the second is checked.
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

const ROUNDS = 4;
const TAGS = Array.from({ length: 2 * ROUNDS }, (_, i) => ({
  ref: `registry.example.com/team/app:b${i}`,
  exposedPorts: ['8000/tcp'],
  size: 50_000_000,
}));
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

async function scenario(pullMs: number, tags: string[]): Promise<number> {
  const lab = await startRolloutLab(1, TAGS);
  lab.engine.control.setLatency('docker.image.pull', pullMs);
  const logger = mockServices.logger.mock();
  const config = fastConfig({
    graceMs: GRACE_MS,
    healthIntervalMs: 1000,
    stepTimeoutMs: 30_000,
    pullTimeoutMs: 30_000,
  });
  const ratios: number[] = [];
  try {
    for (const [i, image] of tags.entries()) {
      const steps = buildRolloutSteps(lab.deps, config, appSpec({ image }));
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
        `pull ${pullMs} ms, round ${i + 1}: succeeded after ${total.toFixed(
          0,
        )} ms (grace ${GRACE_MS}); pull ${durations.pull.toFixed(
          0,
        )} + start ${durations.start.toFixed(
          0,
        )} + first healthy check ${durations.health.toFixed(
          0,
        )} = ${essential.toFixed(0)} ms; other steps ${Object.entries(durations)
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
    `pull ${pullMs} ms: rollout ratio over ${
      tags.length
    } rounds: worst ${worst.toFixed(3)}, mean ${(
      ratios.reduce((a, b) => a + b, 0) / ratios.length
    ).toFixed(3)} (target <= 1.1: ${worst <= 1.1 ? 'met' : 'NOT met'})`,
  );
  return worst;
}

describe('rollout benchmark', () => {
  jest.setTimeout(300_000);

  it('prints the rollout overhead ratio', async () => {
    const refs = TAGS.map(t => t.ref);
    await scenario(1000, refs.slice(0, ROUNDS));
    expect(await scenario(5000, refs.slice(ROUNDS))).toBeLessThanOrEqual(1.1);
  });
});
