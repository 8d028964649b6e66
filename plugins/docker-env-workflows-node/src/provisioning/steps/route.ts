import type { OperationStep, OperationTarget } from '../../operations';
import { abortable, fact } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

/**
 * The environment's public URL, `https://<name>.<baseDomain>` (port only when configured).
 *
 * @public
 */
export function environmentUrl(
  config: ProvisioningConfig,
  target: Pick<OperationTarget, 'name'>,
): string {
  const u = config.publicUrl;
  return `${u.scheme}://${target.name}.${u.baseDomain}${
    u.port ? `:${u.port}` : ''
  }`;
}

/**
 * `route`: the environment's main Traefik route to the welcome container (TLS by the configured
 * resolver or the wildcard certificate, as `dockerEnv.traefik` says). Route files are ours by
 * their `dockerenv_` name.
 *
 * @public
 */
export function routeStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'route',
    timeoutMs: config.timeouts.route,
    async run(ctx) {
      const ip = fact<string>(ctx, 'ip', 'string');
      const port = fact<number>(ctx, 'welcomePort', 'number');
      await abortable(
        deps.routes.putRoute({
          environment: ctx.target.name,
          target: { kind: 'backend', backend: { ip, port } },
        }),
        ctx.signal,
      );
      return { url: environmentUrl(config, ctx.target) };
    },
    async undo(ctx) {
      await abortable(deps.routes.removeRoute(ctx.target.name), ctx.signal);
    },
  };
}
