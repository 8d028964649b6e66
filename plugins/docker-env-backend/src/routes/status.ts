import { dockerEnvAdminPermission } from '@docker-env/plugin-docker-env-common';
import { RouteModule } from '../service/RouteContext';
import { runStatusCheck } from '../status';

/**
 * `GET /status` (admins and services): each external system reachable or not, with its version (probes run in
 * parallel, short timeouts), and this replica's container watchers (lag, reconnects, environments per replica).
 */
export const statusRoutes: RouteModule = (router, ctx) => {
  router.get('/status', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    if (caller.credentials.principal.type === 'user') {
      await ctx.access.require(caller, dockerEnvAdminPermission);
    }
    const [systems, watcher] = await Promise.all([
      Promise.all(
        ctx.statusChecks.map(c => runStatusCheck(c, ctx.statusTimeoutMs)),
      ),
      ctx.watchers?.figures() ?? null,
    ]);
    res.json({ ok: systems.every(s => s.reachable), systems, watcher });
  });
};
