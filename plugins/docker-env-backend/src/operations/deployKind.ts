import type { Config } from '@backstage/config';
import {
  assertRolloutSpec,
  buildRolloutSteps,
  readRolloutConfig,
  rolloutDepsFromConfig,
  type OperationStep,
  type RolloutSpec,
} from '@docker-env/plugin-docker-env-workflows-node';
import {
  pullWithoutHeldCredentials,
  type RegistryCredentials,
} from '../deployments/RegistryCredentials';
import type { OperationKindDefinition } from '../runner';
import { seededStep } from './registry';

/**
 * The `deploy` kind: the rollout steps of `docker-env-workflows-node/src/deployments`, for the deployment in
 * `input.deployment`, with the environment's facts (`ip`, `endpointId`) from the rest of the input. A runner that
 * died re-runs the interrupted step (every rollout step is idempotent), so a rollout finishes rather than leaving two
 * containers or none.
 *
 * Registry credentials are never part of the recorded input: it carries `credentialsRef`, which `credentials` (the
 * memory of the replica that accepted the request) resolves. Where they are not held (another replica or a restarted
 * one took the rollout over), `pull` fails with a reason that says so; the steps after it need none.
 */
export function deployKindFromConfig(
  config: Config,
  credentials?: RegistryCredentials,
): OperationKindDefinition {
  let build: ((spec: RolloutSpec) => OperationStep[]) | undefined;
  return {
    onInterrupted: 'rerun',
    steps: (_target, input) => {
      const auth = credentials?.get(input.credentialsRef);
      const notHeld = input.credentialsRef !== undefined && !auth;
      const spec = assertRolloutSpec({
        ...(input.deployment as object),
        ...(auth ? { registryAuth: auth } : {}),
      });
      if (!build) {
        const deps = rolloutDepsFromConfig(config);
        const settings = readRolloutConfig(config);
        build = s => buildRolloutSteps(deps, settings, s);
      }
      return build(spec).map(step =>
        seededStep(
          notHeld && step.name === 'pull'
            ? pullWithoutHeldCredentials(step)
            : step,
          input,
        ),
      );
    },
  };
}
