import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  type AlertRules,
  type Environment,
  environmentReadPermission,
  environmentUpdatePermission,
  formatValidationIssues,
  mergeAlertRules,
  validateAlertRules,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import type { Incident } from '../alerts';
import { incidentSummary } from '../alerts/notices';
import type { Caller } from '../service/access';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';

/** Statuses whose rules can no longer change. */
const ENDED = ['deleting', 'deleted'];

async function rulesAnswer(ctx: RouteContext, environment: Environment) {
  const stored = await ctx.store.alertRules().get(environment.id);
  return {
    environment: environment.name,
    rules: stored?.rules ?? ctx.alertSettings.defaults,
    defaults: ctx.alertSettings.defaults,
    custom: stored !== undefined,
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

function incidentView(incident: Incident, environmentName: string) {
  const usage = incident.kind === 'usage';
  return {
    id: incident.id,
    environment: environmentName,
    kind: incident.kind,
    subject: incident.subject,
    container: usage ? null : incident.subject,
    resource: usage ? incident.subject : null,
    state: incident.state as 'open' | 'resolved',
    details: incident.details,
    silenced: incident.silenced,
    count: incident.count,
    summary: incidentSummary(incident),
    startedAt: incident.startedAt.toISOString(),
    openedAt: incident.openedAt?.toISOString() ?? null,
    lastSeenAt: incident.lastSeenAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    resolution: incident.resolution,
  };
}

/** The environments whose incidents the caller sees (undefined: all, for admins). */
async function visibleEnvironments(
  ctx: RouteContext,
  caller: Caller,
): Promise<Environment[] | undefined> {
  const filter = await ctx.access.filterFor(caller, environmentReadPermission);
  if (filter.kind === 'all') return undefined;
  if (filter.kind === 'none') return [];
  const out: Environment[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.listEnvironments({
      limit: 500,
      cursor,
      filter: filter.criteria,
    });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * `GET /alerts` (owners their environments', admins all), `GET`/`PUT /environments/{name}/alert-rules` (readers;
 * writers change them, audited as `environment.alert_rules`).
 */
export const alertRoutes: RouteModule = (router, ctx) => {
  router.get('/alerts', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const { environment: name, state, limit } = req.query;
    let environments = await visibleEnvironments(ctx, caller);
    if (name !== undefined) {
      const one = await readableEnvironment(ctx, caller, name);
      environments = [one];
    }
    const names = new Map(environments?.map(e => [e.id, e.name]));
    const incidents = await ctx.store.incidents().list({
      environmentIds: environments?.map(e => e.id),
      state: state ?? 'open',
      since: new Date(Date.now() - ctx.alertSettings.recentDays * 86_400_000),
      limit: limit ?? 100,
    });
    const items = [];
    for (const incident of incidents) {
      if (!names.has(incident.environmentId))
        names.set(
          incident.environmentId,
          (await ctx.store.getEnvironmentById(incident.environmentId))?.name ??
            incident.environmentId,
        );
      items.push(incidentView(incident, names.get(incident.environmentId)!));
    }
    res.json({ items });
  });

  router.get('/environments/:name/alert-rules', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    res.json(await rulesAnswer(ctx, environment));
  });

  router.put('/environments/:name/alert-rules', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const entry = {
      actor: caller.actor,
      action: 'environment.alert_rules',
      target: req.params.name,
      environmentId: null as string | null,
    };
    try {
      const environment = await ctx.store.getEnvironmentByName(req.params.name);
      if (!environment)
        throw new NotFoundError(
          `environment "${req.params.name}" does not exist`,
        );
      entry.environmentId = environment.id;
      await ctx.access.requireOn(
        caller,
        environmentUpdatePermission,
        environment,
      );
      const issues = validateAlertRules(req.body);
      if (issues.length) throw new InputError(formatValidationIssues(issues));
      if (ENDED.includes(environment.status))
        throw new ConflictError(
          `status: the alert rules of a ${environment.status} environment cannot change`,
        );
      const change = req.body as Partial<AlertRules>;
      await ctx.store.transaction(async tx => {
        const current =
          (await tx.alertRules().get(environment.id))?.rules ??
          ctx.alertSettings.defaults;
        const rules = mergeAlertRules(current, change);
        await tx.alertRules().put(environment.id, rules, caller.actor);
        await ctx.audit.write(tx, {
          ...entry,
          result: 'succeeded',
          details: { change, rules },
        });
      });
      await ctx.audit.emit({ ...entry, result: 'succeeded' }, req as Request);
      res.json(await rulesAnswer(ctx, environment));
    } catch (error) {
      if (
        error instanceof NotAllowedError ||
        error instanceof ConflictError ||
        error instanceof InputError
      )
        await ctx.audit.refuse(ctx.store, entry, error, req as Request);
      throw error;
    }
  });
};
