import type { OperationStep } from '../operations';
import { abortable } from '../provisioning/facts';
import { dockerOf } from './containers';
import { planRollout } from './prepareSteps';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/**
 * `pull`: pulls the image with the request's registry credentials (none for public images) and, while the pull
 * runs, plans the rollout ({@link planRollout}: both only read, so they overlap and the plan costs no time). The
 * client reads the whole progress stream and fails on an error reported inside it, where the engine had already
 * answered 200. With `pullPolicy: missing` an image the engine already holds is not pulled.
 */
export function pullStep(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep {
  return {
    name: 'pull',
    timeoutMs: config.pullTimeoutMs,
    async run(ctx) {
      const docker = dockerOf(deps, ctx);
      const pull = async () => {
        if (
          config.pullPolicy === 'missing' &&
          (await docker.imagePresent(spec.image))
        )
          return 'present';
        return (await docker.pullImage(spec.image, spec.registryAuth)).status;
      };
      const [pullStatus, plan] = await abortable(
        Promise.all([pull(), planRollout(deps, config, spec, ctx)]),
        ctx.signal,
      );
      return { ...plan, pullStatus };
    },
  };
}
