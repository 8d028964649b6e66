import type { Config } from '@backstage/config';
import {
  buildLifecycleSteps,
  buildProvisionSteps,
  buildRestoreSteps,
  LIFECYCLE_KINDS,
  lifecycleDepsFromConfig,
  LifecycleKind,
  ProvisioningDeps,
  readLifecycleConfig,
  readProvisioningConfig,
  type OperationStep,
  type TeamResolver,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { OperationKindDefinition, OperationRegistry } from '../runner';
import type { DeploymentSecrets } from '../deployments/DeploymentSecrets';
import { deployKindFromConfig } from './deployKind';

/**
 * A step that sees the operation's input as facts, under what earlier steps of the operation learnt. The runner
 * starts every operation with no facts; lifecycle routes put what the steps read (the environment's recorded facts,
 * `snapshotName`, the `runningContainers` of the last pause) into the operation's input.
 */
export function seededStep(
  step: OperationStep,
  input: Record<string, unknown>,
): OperationStep {
  const seeded = <C extends { facts: Readonly<Record<string, unknown>> }>(
    ctx: C,
  ): C => ({ ...ctx, facts: { ...input, ...ctx.facts } });
  return {
    ...step,
    run: ctx => step.run(seeded(ctx)),
    undo: step.undo ? ctx => step.undo!(seeded(ctx)) : undefined,
  };
}

/**
 * The `plan` input of a `delete` that removes what an operation left (an environment `failed` or `cleanup_required`):
 * the undo of every provisioning step, last first, each finding its resource by the environment's mark.
 */
export const CLEANUP_PLAN = 'cleanup';

/** The steps of a cleanup delete: each provisioning step's undo, last first, run as `remove-<step>`. */
export function cleanupSteps(provision: OperationStep[]): OperationStep[] {
  return provision
    .filter(step => step.undo)
    .reverse()
    .map(step => ({
      name: `remove-${step.name}`,
      timeoutMs: step.timeoutMs,
      holds: step.holds,
      async run(ctx) {
        await step.undo!(ctx);
      },
    }));
}

/**
 * The step lists the runner executes, by operation kind, built from `dockerEnv.*` config.
 *
 * The clients are built on first use rather than at start-up, so a backend whose infrastructure config is
 * incomplete still starts (and answers the API); an operation then fails at its `plan` with the config error.
 * A section that is configured but bad stops the start-up (`checkInfrastructureConfig`).
 */
export function operationRegistryFromConfig(
  config: Config,
  options: {
    teams?: TeamResolver;
    deploymentSecrets?: DeploymentSecrets;
    /** Steps of backend modules run after the built-in provisioning steps (the provisioning extension point). */
    extraProvisionSteps?: readonly OperationStep[];
  } = {},
): OperationRegistry {
  let provision: (() => OperationStep[]) | undefined;
  let lifecycle: ((kind: LifecycleKind) => OperationStep[]) | undefined;
  const lifecycleKind = (kind: LifecycleKind): OperationKindDefinition => ({
    steps: (_target, input) => {
      if (!lifecycle) {
        const deps = {
          ...lifecycleDepsFromConfig(config),
          teams: options.teams,
        };
        const settings = readLifecycleConfig(config);
        lifecycle = k => buildLifecycleSteps(k, deps, settings);
      }
      return lifecycle(kind).map(step => seededStep(step, input));
    },
  });
  const provisionSteps = () => {
    if (!provision) {
      const deps = ProvisioningDeps.fromConfig(config, options);
      const settings = readProvisioningConfig(config);
      provision = () => [
        ...buildProvisionSteps(deps, settings),
        ...(options.extraProvisionSteps ?? []),
      ];
    }
    return provision();
  };
  return {
    provision: { steps: provisionSteps },
    ...Object.fromEntries(LIFECYCLE_KINDS.map(k => [k, lifecycleKind(k)])),
    delete: {
      steps: (target, input) =>
        input.plan === CLEANUP_PLAN
          ? cleanupSteps(provisionSteps()).map(step => seededStep(step, input))
          : lifecycleKind('delete').steps(target, input),
    },
    restore: {
      steps: (_target, input) =>
        buildRestoreSteps(
          ProvisioningDeps.fromConfig(config, options),
          readProvisioningConfig(config),
        ).map(step => seededStep(step, input)),
    },
    deploy: deployKindFromConfig(config, options.deploymentSecrets),
  };
}
