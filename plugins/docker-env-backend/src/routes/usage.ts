import { ConflictError, InputError } from '@backstage/errors';
import { RouteModule } from '../service/RouteContext';
import { carriedFacts } from '../operations/facts';
import { USAGE_RANGES, type UsageRange } from '../usage';
import { readableEnvironment } from './environments';

/** Statuses whose CT exists and can be read. */
const READABLE = ['ready', 'paused', 'pausing', 'resuming'];

function rangeOf(value: unknown): UsageRange {
  if (value === undefined) return 'hour';
  if (!USAGE_RANGES.includes(value as UsageRange))
    throw new InputError(`range: must be one of ${USAGE_RANGES.join(', ')}`);
  return value as UsageRange;
}

/** `GET /environments/{name}/usage?range=hour|day|week|month`: readers of the environment. */
export const usageRoutes: RouteModule = (router, ctx) => {
  router.get('/environments/:name/usage', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    const range = rangeOf(req.query.range);
    if (environment.vmid === null || !READABLE.includes(environment.status))
      throw new ConflictError(
        `status: the usage can be read once the environment is ready; it is ${environment.status}`,
      );
    const facts = await carriedFacts(ctx, environment);
    const report = await ctx.usage.read(
      {
        id: environment.id,
        vmid: environment.vmid,
        node: environment.node,
        docker:
          environment.status === 'ready' && typeof facts.ip === 'string'
            ? {
                ip: facts.ip,
                endpointId:
                  typeof facts.endpointId === 'number'
                    ? facts.endpointId
                    : undefined,
              }
            : undefined,
      },
      range,
    );
    res.json({ ...report, paused: environment.status === 'paused' });
  });
};
