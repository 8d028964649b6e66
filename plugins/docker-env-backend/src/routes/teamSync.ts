import { ConflictError, NotAllowedError } from '@backstage/errors';
import { Request } from 'express';
import { TEAM_SYNC_TASK_ID } from '../teams';
import { RouteModule } from '../service/RouteContext';

/**
 * `POST /team-sync` (admins): the Portainer team sync now, through the scheduler's trigger of its task, so a pass
 * runs once across replicas (the scheduler refuses while one runs). Audited.
 */
export const teamSyncRoutes: RouteModule = (router, ctx) => {
  router.post('/team-sync', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const entry = {
      actor: caller.actor,
      action: 'portainer.team.sync-now',
      target: TEAM_SYNC_TASK_ID,
      environmentId: null,
    };
    try {
      if (!(await ctx.access.isAdmin(caller)))
        throw new NotAllowedError('not allowed: docker-env.admin');
      if (!ctx.teamSync)
        throw new ConflictError(
          'teamSync: the team sync is disabled (dockerEnv.teamSync.enabled: false)',
        );
      try {
        await ctx.teamSync.trigger();
      } catch (e) {
        if ((e as Error).name === 'ConflictError')
          throw new ConflictError(
            'teamSync: a pass is running now; its changes land in the audit log',
          );
        throw e;
      }
      await ctx.store.transaction(tx =>
        ctx.audit.write(tx, { ...entry, result: 'succeeded' }),
      );
      await ctx.audit.emit({ ...entry, result: 'succeeded' }, req as Request);
      res.status(202).json({ triggered: true, taskId: TEAM_SYNC_TASK_ID });
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof ConflictError)
        await ctx.audit.refuse(ctx.store, entry, error, req as Request);
      throw error;
    }
  });
};
