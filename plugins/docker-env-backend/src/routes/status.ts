import { RouteModule } from '../service/RouteContext';
import { runStatusCheck } from '../status';

/** `GET /status`: each external system reachable or not, with its version (probes run in parallel, short timeouts). */
export const statusRoutes: RouteModule = (router, ctx) => {
  router.get('/status', async (req, res) => {
    await ctx.access.caller(req, { allowService: true });
    const systems = await Promise.all(
      ctx.statusChecks.map(c => runStatusCheck(c, ctx.statusTimeoutMs)),
    );
    res.json({ ok: systems.every(s => s.reachable), systems });
  });
};
