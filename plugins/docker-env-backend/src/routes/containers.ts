import { ConflictError, InputError } from '@backstage/errors';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import { LOG_TAIL } from '@docker-env/plugin-docker-env-workflows-node';
import type { DockerLocation } from '../containers';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';
import { carriedFacts } from '../operations/facts';

/** Docker container names (and ids): a letter or digit, then letters, digits, `_`, `.` or `-`. */
const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Where the environment's Docker engine answers; 409 when it is not running (paused: how to resume). */
async function dockerLocation(
  ctx: RouteContext,
  environment: Environment,
): Promise<DockerLocation> {
  if (environment.status === 'paused')
    throw new ConflictError(
      `paused: its containers are stopped; POST /environments/${environment.name}/resume`,
    );
  const facts = await carriedFacts(ctx, environment);
  if (environment.status !== 'ready' || typeof facts.ip !== 'string')
    throw new ConflictError(
      `status: the containers can be read when the environment is ready; it is ${environment.status}`,
    );
  return {
    ip: facts.ip,
    endpointId:
      typeof facts.endpointId === 'number' ? facts.endpointId : undefined,
  };
}

function tailOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const tail = Number(value);
  if (!/^\d+$/.test(String(value)) || tail < 1 || tail > LOG_TAIL.max)
    throw new InputError(
      `tail: must be a whole number from 1 to ${LOG_TAIL.max}`,
    );
  return tail;
}

/** The environment's containers and their logs, through its Docker channel; readers of the environment only. */
export const containerRoutes: RouteModule = (router, ctx) => {
  router.get('/environments/:name/containers', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    const at = await dockerLocation(ctx, environment);
    res.json({ items: await ctx.containers.list(at) });
  });

  router.get(
    '/environments/:name/containers/:container/logs',
    async (req, res) => {
      const caller = await ctx.access.caller(req);
      const environment = await readableEnvironment(
        ctx,
        caller,
        req.params.name,
      );
      const container = req.params.container;
      if (!CONTAINER_NAME.test(container))
        throw new InputError(
          'container: must be a container name or id (letters, digits, _, . or -)',
        );
      const tail = tailOf(req.query.tail);
      const at = await dockerLocation(ctx, environment);
      const read = await ctx.containers.logs(at, container, tail);
      // `logs` is what a reader shows: both streams, stderr last
      const logs = [read.stdout, read.stderr].filter(Boolean).join('');
      res.json({ ...read, logs });
    },
  );
};
