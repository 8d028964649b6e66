/*
 * Benchmark of a deployment's rollout on the lab's Docker engine (create 50 ms, start 300 ms, stop 200 ms), through
 * the production DockerClient and route writer; every round pulls a tag the engine does not have yet
 * (prints figures; not a unit test):
 *
 *   ratio = (time to succeeded - grace) / (pull + start + time to the first healthy check)   target <= 1.1
 *
 * Two pull durations: the lab's default 1 s (a tiny image), and 5 s (an application image of ~50 MB on a fast
 * link). The overhead is what follows the health check besides the grace: the switch (an fsync'd route file), the
 * old container's removal (one forced DELETE: 50 ms of engine time) and the rename (20 ms); the plan runs during
 * the pull. About 100-130 ms whatever the image, so the target is borderline for the first and holds for the
 * second; both are printed, with where each overhead ms goes (the lab engine's modelled latency of the calls the
 * step made, the rest ours: HTTP, client, file system), the second is checked.
 *
 * Run: (cd plugins/docker-env-node && yarn bench)
 */
import { mockServices } from '@backstage/backend-test-utils';
import type { OperationStep } from '../src/operations';
import { buildRolloutSteps } from '../src/deployments';
import {
  appSpec,
  fastConfig,
  type RolloutLab,
  startRolloutLab,
} from '@docker-env/lab-testing/workflows/rolloutLab';

const ROUNDS = 4;
const TAGS = Array.from({ length: 2 * ROUNDS }, (_, i) => ({
  ref: `registry.example.com/team/app:b${i}`,
  exposedPorts: ['8000/tcp'],
  size: 50_000_000,
}));
const GRACE_MS = 2000;

/** The lab engine's modelled latency (ms) of the calls made since `since` (call counts by operation). */
function engineMs(lab: RolloutLab, since: Record<string, number>) {
  const { calls } = lab.engine.control.describe();
  return Object.entries(calls).reduce(
    (sum, [op, n]) =>
      sum + (n - (since[op] ?? 0)) * lab.engine.control.latencyOf(op),
    0,
  );
}

async function timedRollout(
  lab: RolloutLab,
  steps: OperationStep[],
  run: (
    s: OperationStep,
    facts: Record<string, unknown>,
  ) => Promise<Record<string, unknown> | void>,
) {
  const durations: Record<string, number> = {};
  const engine: Record<string, number> = {};
  let facts: Record<string, unknown> = {};
  const began = performance.now();
  for (const step of steps) {
    const calls = { ...lab.engine.control.describe().calls };
    const t = performance.now();
    facts = { ...facts, ...((await run(step, facts)) ?? {}) };
    durations[step.name] = performance.now() - t;
    engine[step.name] = engineMs(lab, calls);
  }
  return { total: performance.now() - began, durations, engine };
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
      const { total, durations, engine } = await timedRollout(
        lab,
        steps,
        (step, facts) =>
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
          .map(
            ([n, d]) =>
              `${n} ${d.toFixed(0)} (engine ${engine[n].toFixed(0)}, ours ${(
                d - engine[n]
              ).toFixed(0)})`,
          )
          .join(', ')}, grace beyond ${GRACE_MS} ${(
          durations.grace - GRACE_MS
        ).toFixed(0)}; ratio ${ratio.toFixed(3)}`,
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
