import { dockerEnvAdminPermission } from '@docker-env/plugin-docker-env-common';
import { RouteModule } from '../service/RouteContext';
import { runStatusCheck } from '../status';

/** `GET /status` (admins and services): each external system reachable or not, with its version (probes run in parallel, short timeouts). */
export const statusRoutes: RouteModule = (router, ctx) => {
  router.get('/status', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    if (caller.credentials.principal.type === 'user') {
      await ctx.access.require(caller, dockerEnvAdminPermission);
    }
    const systems = await Promise.all(
      ctx.statusChecks.map(c => runStatusCheck(c, ctx.statusTimeoutMs)),
    );
    res.json({ ok: systems.every(s => s.reachable), systems });
  });
};
