import { InputError, NotAllowedError } from '@backstage/errors';
import { environmentReadPermission } from '@docker-env/plugin-docker-env-common';
import { AuditQuery } from '../store';
import { RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';

const DEFAULT_LIMIT = 100;

/** The query of `GET /audit` (types checked by the OpenAPI validator). */
interface AuditParams {
  environment?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
}

function time(value: string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InputError(
      `${field}: must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z`,
    );
  }
  return date;
}

/**
 * `GET /audit?environment=&actor=&action=&from=&to=&limit=`: admins see every event, owners their environments' (of
 * the rows without an environment that name it, their own only).
 */
export const auditRoutes: RouteModule = (router, ctx) => {
  router.get('/audit', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const params = req.query as AuditParams;
    const name = params.environment;
    const query: AuditQuery = {
      actor: params.actor,
      action: params.action,
      from: time(params.from, 'from'),
      to: time(params.to, 'to'),
      limit: params.limit ?? DEFAULT_LIMIT,
    };
    if (query.from && query.to && query.from > query.to) {
      throw new InputError('from: must not be after to');
    }
    const admin = await ctx.access.isAdmin(caller);
    if (!admin && name === undefined) {
      throw new NotAllowedError(
        'environment: only admins may list the whole audit log; name one of your environments',
      );
    }
    if (name !== undefined) {
      const environment = admin
        ? await ctx.store.getEnvironmentByName(name)
        : await readableEnvironment(ctx, caller, name);
      if (!environment) {
        res.json({ items: [] });
        return;
      }
      await ctx.access.requireOn(
        caller,
        environmentReadPermission,
        environment,
      );
      query.environmentId = environment.id;
      query.environmentName = environment.name;
      // rows without an environment (refusals naming it) are admins' to read; others see their own only
      if (!admin) query.unscopedRowsOf = caller.actor;
    }
    res.json({ items: await ctx.store.listAuditEvents(query) });
  });
};
