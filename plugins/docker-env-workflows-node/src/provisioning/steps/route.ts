import { RouteFileNotOursError } from '@docker-env/plugin-docker-env-node';
import type { OperationStep, OperationTarget } from '../../operations';
import { abortable, fact } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

const DEFAULT_PORTS = { http: 80, https: 443 };

/**
 * The environment's public URL, `https://<name>.<baseDomain>` (port only when configured and not the scheme's own).
 *
 * @public
 */
export function environmentUrl(
  config: Pick<ProvisioningConfig, 'publicUrl'>,
  target: Pick<OperationTarget, 'name'>,
): string {
  const u = config.publicUrl;
  const port = u.port && u.port !== DEFAULT_PORTS[u.scheme] ? u.port : 0;
  return `${u.scheme}://${target.name}.${u.baseDomain}${
    port ? `:${port}` : ''
  }`;
}

/**
 * `route`: the environment's main Traefik route to the welcome container (TLS by the configured
 * resolver or the wildcard certificate, as `dockerEnv.traefik` says), written through the route writer: the
 * file carries the environment's mark, and a same-named file without it is refused, never overwritten. Undo
 * deletes the file only when it carries the mark (a file someone else holds was not written by this step).
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
        deps.routes.putRoute(ctx.target.environmentId, {
          environment: ctx.target.name,
          target: { kind: 'backend', backend: { ip, port } },
        }),
        ctx.signal,
      );
      return { url: environmentUrl(config, ctx.target) };
    },
    holds: ({ target }) => [`the route of ${target.name}`],
    async undo(ctx) {
      try {
        await abortable(
          deps.routes.removeRoute(ctx.target.environmentId, ctx.target.name),
          ctx.signal,
        );
      } catch (e) {
        if (!(e instanceof RouteFileNotOursError)) throw e;
        ctx.logger.warn(`route: left alone, ${e.message}`);
      }
    },
  };
}
