import type { Config } from '@backstage/config';
import {
  assertRolloutSpec,
  buildRolloutSteps,
  readRolloutConfig,
  rolloutDepsFromConfig,
  type OperationStep,
  type RolloutSpec,
  type StepContext,
} from '@docker-env/plugin-docker-env-workflows-node';
import {
  stepWithoutSecrets,
  type DeploymentSecrets,
} from '../deployments/DeploymentSecrets';
import type { OperationKindDefinition } from '../runner';
import { seededStep } from './registry';

/**
 * The `deploy` kind: the rollout steps of `docker-env-workflows-node/src/deployments`, for the deployment in
 * `input.deployment`, with the environment's facts (`ip`, `endpointId`) from the rest of the input. A runner that
 * died re-runs the interrupted step (every rollout step is idempotent), so a rollout finishes rather than leaving two
 * containers or none.
 *
 * The env values and registry credentials are never part of the recorded input: it carries `secretsRef`, which
 * `secrets` opens when a step runs (on whichever replica runs it). Where they are gone, the step fails with a reason
 * that says so. Inputs recorded before the sealed store kept env values in clear (still honoured) or a
 * `credentialsRef` to another replica's memory (its pull fails the same way).
 */
export function deployKindFromConfig(
  config: Config,
  secrets?: DeploymentSecrets,
): OperationKindDefinition {
  let build: ((spec: RolloutSpec) => OperationStep[]) | undefined;
  const stepsOf = (spec: RolloutSpec) => {
    if (!build) {
      const deps = rolloutDepsFromConfig(config);
      const settings = readRolloutConfig(config);
      build = s => buildRolloutSteps(deps, settings, s);
    }
    return build(spec);
  };
  return {
    onInterrupted: 'rerun',
    steps: (_target, input) => {
      const { envKeys: _keys, ...recorded } = input.deployment as Record<
        string,
        unknown
      >;
      const spec = assertRolloutSpec(recorded);
      const ref = input.secretsRef;
      return stepsOf(spec).map(step => {
        if (input.credentialsRef !== undefined && step.name === 'pull')
          return seededStep(stepWithoutSecrets(step), input);
        if (ref === undefined || !secrets) return seededStep(step, input);
        const real = async () => {
          const values = await secrets.reveal(ref);
          if (!values) return stepWithoutSecrets(step);
          return stepsOf({ ...spec, ...values }).find(
            s => s.name === step.name,
          )!;
        };
        return seededStep(
          {
            ...step,
            run: async (ctx: StepContext) => (await real()).run(ctx),
            undo: step.undo
              ? async (ctx: StepContext) => (await real()).undo?.(ctx)
              : undefined,
          },
          input,
        );
      });
    },
  };
}
