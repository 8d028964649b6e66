import { NotAllowedError } from '@backstage/errors';
import type { DriftQuery } from '../reconciler';
import { RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';

/** The query of `GET /drift` (types and values checked by the OpenAPI validator). */
interface DriftParams {
  environment?: string;
  kind?: DriftQuery['kind'];
  resourceKind?: DriftQuery['resourceKind'];
  state?: DriftQuery['state'];
  limit?: number;
}

/** `GET /drift` (admins) and `GET /environments/{name}/drift` (readers of the environment): the reconciler's flags. */
export const driftRoutes: RouteModule = (router, ctx) => {
  router.get('/drift', async (req, res) => {
    const caller = await ctx.access.caller(req);
    if (!(await ctx.access.isAdmin(caller)))
      throw new NotAllowedError(
        'not allowed: docker-env.admin; owners see their environment at GET /environments/{name}/drift',
      );
    const params = req.query as DriftParams;
    const items = await ctx.driftFlags.list({
      environmentName: params.environment,
      kind: params.kind,
      resourceKind: params.resourceKind,
      state: params.state,
      limit: params.limit,
    });
    res.json({ items });
  });

  router.get('/environments/:name/drift', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    const state = (req.query as DriftParams).state;
    const items = await ctx.driftFlags.list({
      environmentId: environment.id,
      state,
    });
    res.json({ items });
  });
};
