import { NotFoundError } from '@backstage/errors';
import { environmentUpdatePermission } from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { DeployTokens } from '../tokens';
import { readableEnvironment } from './environments';

async function manageable(
  ctx: RouteContext,
  req: Request<any, any, any, any, any>,
  name: string,
) {
  const caller = await ctx.access.caller(req);
  const environment = await readableEnvironment(ctx, caller, name);
  await ctx.access.requireOn(caller, environmentUpdatePermission, environment);
  return { caller, environment };
}

/** Deployment tokens of an environment: create (shown once), list with last use, revoke. Users with update. */
export const tokenRoutes: RouteModule = (router, ctx) => {
  router.get('/environments/:name/tokens', async (req, res) => {
    const { environment } = await manageable(ctx, req, req.params.name);
    res.json({ items: await ctx.deployTokens.list(environment.id) });
  });

  router.post('/environments/:name/tokens', async (req, res) => {
    const { caller, environment } = await manageable(ctx, req, req.params.name);
    const input = DeployTokens.parseRequest(
      req.body ?? {},
      new Date(),
      ctx.deployTokens.lifetime,
    );
    const created = await ctx.deployTokens.create({
      ...input,
      environmentId: environment.id,
      createdBy: caller.actor,
    });
    const entry = {
      actor: caller.actor,
      action: 'deploy_token.create',
      target: environment.name,
      environmentId: environment.id,
      result: 'succeeded' as const,
      details: { tokenId: created.id, expiresAt: created.expiresAt },
    };
    await ctx.store.appendAudit(entry);
    await ctx.audit.emit(entry, req as Request);
    res.status(201).json(created);
  });

  router.delete('/environments/:name/tokens/:id', async (req, res) => {
    const { caller, environment } = await manageable(ctx, req, req.params.name);
    if (
      !(await ctx.deployTokens.revoke(
        environment.id,
        req.params.id,
        caller.actor,
      ))
    )
      throw new NotFoundError(
        `token ${req.params.id} of ${environment.name} does not exist or is revoked`,
      );
    const entry = {
      actor: caller.actor,
      action: 'deploy_token.revoke',
      target: environment.name,
      environmentId: environment.id,
      result: 'succeeded' as const,
      details: { tokenId: req.params.id },
    };
    await ctx.store.appendAudit(entry);
    await ctx.audit.emit(entry, req as Request);
    res.status(204).end();
  });
};
