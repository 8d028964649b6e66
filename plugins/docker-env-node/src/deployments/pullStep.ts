import type { OperationStep } from '../operations';
import { abortable } from '../provisioning/facts';
import { dockerOf } from './containers';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/**
 * `pull`: pulls the image with the request's registry credentials (none for public images). The client reads the
 * whole progress stream and fails on an error reported inside it, where the engine had already answered 200.
 * With `pullPolicy: missing` an image the engine already holds is not pulled.
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
      if (
        config.pullPolicy === 'missing' &&
        (await abortable(docker.imagePresent(spec.image), ctx.signal))
      )
        return { pullStatus: 'present' };
      const { status } = await abortable(
        docker.pullImage(spec.image, spec.registryAuth),
        ctx.signal,
      );
      return { pullStatus: status };
    },
  };
}
