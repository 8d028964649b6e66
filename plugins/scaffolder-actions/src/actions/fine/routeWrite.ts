import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { routeStep } from '@docker-env/plugin-docker-env-workflows-node';
import { examples } from './routeWrite.examples';
import {
  clients,
  environmentHoldsName,
  gatedAndAudited,
  type FineActionOptions,
  unmanagedTarget,
} from './shared';

const ID = 'docker-env:route:write';

/**
 * `docker-env:route:write` - writes the main Traefik route `<name>.<base domain>` to a backend
 * `ip:port` (the production `route` step and its route writer: TLS by the configured resolver or the
 * wildcard certificate, the file marked with the name as its id). Admins only. Refuses a host an
 * environment holds (asked of the docker-env backend), and the writer refuses any file that lacks
 * this route's mark, so an environment's route is never taken over.
 *
 * @public
 */
export function createRouteWriteAction(opts: FineActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Writes the Traefik route <name>.<base domain> to a backend ip:port as the provisioning step does (TLS as configured). Needs docker-env.admin.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
            .describe('Route name: the host is <name>.<base domain>'),
        ip: z =>
          z
            .string()
            .ip({ version: 'v4' })
            .describe('IPv4 address the route sends traffic to'),
        port: z =>
          z.number().int().min(1).max(65535).describe('Port on that address'),
      },
      output: {
        url: z => z.string().describe('The public URL the route serves'),
      },
    },
    async handler(ctx) {
      const { name, ip, port } = ctx.input;
      const target = unmanagedTarget({ name });
      const credentials = await ctx.getInitiatorCredentials();
      const result = await gatedAndAudited({
        actionId: ID,
        opts,
        credentials,
        logger: ctx.logger,
        isDryRun: ctx.isDryRun,
        plan: `write the route of "${name}" to ${ip}:${port}`,
        meta: { name, ip, port },
        work: async () => {
          const { deps, settings } = clients(opts);
          if (await environmentHoldsName(opts, credentials, name))
            throw new ConflictError(
              `${ID}: the host ${name}.${settings.publicUrl.baseDomain} is held by environment ${name}; this action writes only routes of hosts no environment holds`,
            );
          const ac = new AbortController();
          const timer = setTimeout(
            () => ac.abort(new Error(`${ID}: timed out`)),
            settings.timeouts.route,
          );
          try {
            return (await routeStep(deps, settings).run({
              target,
              facts: { ip, welcomePort: port },
              signal: ac.signal,
              logger: ctx.logger,
            })) as { url: string };
          } finally {
            clearTimeout(timer);
          }
        },
      });
      if (!result) return;
      ctx.logger.info(`route written: ${result.url} -> ${ip}:${port}`);
      ctx.output('url', result.url);
    },
  });
}
