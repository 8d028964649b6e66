import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  dockerEnvAdminPermission,
  Environment,
  formatValidationIssues,
  Operation,
  ValidationIssue,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import {
  approvalDecidedNotice,
  ApprovalRequest,
  DEFAULT_QUOTA_KEY,
  QUOTA_FIELDS,
  QuotaLimits,
} from '../quotas';
import { Caller } from '../service/access';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { provisionOperation, validateOwner } from './createEnvironment';

/** An admin's decision on a pending request, as one transaction does it. */
interface Decision {
  action: 'request.approve' | 'request.reject';
  status: 'approved' | 'rejected';
  reason: string | null;
}

function validOwnerRef(value: unknown, field: string): string {
  const issues: ValidationIssue[] = [];
  const ref = validateOwner(value, issues, field);
  if (issues.length > 0) throw new InputError(formatValidationIssues(issues));
  return ref;
}

/** Approves or rejects a pending request; approval queues the same provision operation `POST /environments` does. */
async function decide(
  ctx: RouteContext,
  caller: Caller,
  id: string,
  decision: Decision,
): Promise<{
  request: ApprovalRequest;
  environment: Environment;
  operation?: Operation;
}> {
  return ctx.store.transaction(async tx => {
    const quotas = tx.quotas();
    const pending = await quotas.getRequestForUpdate(id);
    if (!pending) throw new NotFoundError(`request "${id}" does not exist`);
    if (pending.status !== 'pending') {
      throw new ConflictError(
        `status: request ${id} was already ${pending.status} by ${pending.decidedBy}`,
      );
    }
    const current = await tx.getEnvironmentById(pending.environmentId);
    if (!current || current.status !== 'pending_approval') {
      throw new ConflictError(
        `status: environment ${pending.environment} is ${
          current?.status ?? 'gone'
        }, not pending_approval`,
      );
    }
    const approved = decision.status === 'approved';
    const environment = (await tx.updateEnvironment(current.id, {
      status: approved ? 'provisioning' : 'rejected',
      statusReason: approved ? null : `rejected: ${decision.reason}`,
    }))!;
    const operation = approved
      ? await tx.insertOperation(
          provisionOperation(environment, pending.requestedBy),
        )
      : undefined;
    await quotas.decideRequest(id, {
      status: decision.status,
      decidedBy: caller.actor,
      reason: decision.reason,
    });
    await ctx.audit.write(tx, {
      actor: caller.actor,
      action: decision.action,
      target: environment.name,
      environmentId: environment.id,
      result: 'succeeded',
      reason: decision.reason,
      details: { requestId: id, operationId: operation?.id ?? null },
    });
    // a rejected request started nothing: its Idempotency-Key expires a day from now
    if (!approved)
      await tx.expireIdempotencyKeys(
        { environmentId: environment.id, operationId: null },
        new Date(),
      );
    const request = (await quotas.getRequest(id))!;
    await ctx.notifier.stage(approvalDecidedNotice(environment, request), tx);
    return { request, environment, ...(operation ? { operation } : {}) };
  });
}

/** `GET /quotas`, `PUT /quotas/{entityRef}` (and `default`), `GET /requests`, approve and reject. */
export const quotaRoutes: RouteModule = (router, ctx) => {
  /** Runs an admin-only change: 403 (audited as refused) unless admin. */
  async function asAdmin<T>(
    req: Request<any, any, any, any, any>,
    entry: { action: string; target: string },
    change: (caller: Caller) => Promise<T>,
  ): Promise<T> {
    const caller = await ctx.access.caller(req);
    const auditEntry = { ...entry, actor: caller.actor, environmentId: null };
    try {
      await ctx.access.require(caller, dockerEnvAdminPermission);
      const result = await change(caller);
      await ctx.audit.emit({ ...auditEntry, result: 'succeeded' }, req);
      return result;
    } catch (error) {
      if (error instanceof NotAllowedError || error instanceof ConflictError) {
        await ctx.audit.refuse(ctx.store, auditEntry, error, req);
      }
      throw error;
    }
  }

  router.get('/quotas', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const owner = validOwnerRef(req.query.owner, 'owner');
    if (
      !caller.ownershipEntityRefs.includes(owner) &&
      !(await ctx.access.isAdmin(caller))
    ) {
      throw new NotAllowedError(
        `owner: you may read the quota of yourself or your groups only, not ${owner}`,
      );
    }
    res.json(await ctx.quotas.effective(ctx.store, owner));
  });

  // Admins: who holds more than a lowered quota now allows
  router.get('/quotas/over', async (req, res) => {
    const caller = await ctx.access.caller(req);
    if (!(await ctx.access.isAdmin(caller)))
      throw new NotAllowedError('admins only: the owners over their quota');
    res.json({ items: await ctx.quotas.overQuota(ctx.store) });
  });

  // Any signed-in user may read the defaults: they are what an owner without an override gets.
  router.get(`/quotas/${DEFAULT_QUOTA_KEY}`, async (req, res) => {
    await ctx.access.caller(req);
    res.json({
      owner: DEFAULT_QUOTA_KEY,
      usage: null,
      ...(await ctx.quotas.defaultQuota(ctx.store)),
    });
  });

  router.put('/quotas/:entityRef', async (req, res) => {
    const key =
      req.params.entityRef === DEFAULT_QUOTA_KEY
        ? DEFAULT_QUOTA_KEY
        : validOwnerRef(req.params.entityRef, 'entityRef');
    const given = req.body as Partial<QuotaLimits>;
    if (!QUOTA_FIELDS.some(field => given[field] !== undefined)) {
      throw new InputError(
        `body: give at least one of ${QUOTA_FIELDS.join(', ')}`,
      );
    }
    const answer = await asAdmin(
      req,
      { action: 'quota.set', target: key },
      async caller => {
        if (key !== DEFAULT_QUOTA_KEY && !(await ctx.ownerInCatalog(key)))
          throw new InputError(
            `entityRef: ${key} is not a user or group the catalog knows`,
          );
        return ctx.store.transaction(async tx => {
          const current =
            key === DEFAULT_QUOTA_KEY
              ? (await ctx.quotas.defaultQuota(tx)).quota
              : (await ctx.quotas.effective(tx, key)).quota;
          const limits = { ...current };
          for (const field of QUOTA_FIELDS) {
            limits[field] = given[field] ?? current[field];
          }
          await tx.quotas().setLimits(key, limits, caller.actor);
          await ctx.audit.write(tx, {
            actor: caller.actor,
            action: 'quota.set',
            target: key,
            environmentId: null,
            result: 'succeeded',
            details: { ...limits },
          });
          return key === DEFAULT_QUOTA_KEY
            ? {
                owner: key,
                usage: null,
                ...(await ctx.quotas.defaultQuota(tx)),
              }
            : ctx.quotas.effective(tx, key);
        });
      },
    );
    res.json(answer);
  });

  router.get('/requests', async (req, res) => {
    const caller = await ctx.access.caller(req);
    await ctx.access.require(caller, dockerEnvAdminPermission);
    const items = await ctx.store.quotas().listRequests(req.query.status);
    res.json({ items });
  });

  /** Approve or reject, then tell the environment's watchers and the requester. */
  async function decideAndTell(
    req: Request<any, any, any, any, any>,
    id: string,
    decision: Decision,
  ) {
    const request = await ctx.store.quotas().getRequest(id);
    const answer = await asAdmin(
      req,
      { action: decision.action, target: request?.environment ?? id },
      caller => decide(ctx, caller, id, decision),
    );
    ctx.notifier.sendSoon();
    await ctx.events.changed(answer.environment, 'status');
    return answer;
  }

  router.post('/requests/:id/approve', async (req, res) => {
    const answer = await decideAndTell(req, req.params.id, {
      action: 'request.approve',
      status: 'approved',
      reason: null,
    });
    res.json(answer);
  });

  router.post('/requests/:id/reject', async (req, res) => {
    const reason = (req.body as { reason: string }).reason.trim();
    if (reason.length === 0) {
      throw new InputError('reason: is required (tell the requester why)');
    }
    const answer = await decideAndTell(req, req.params.id, {
      action: 'request.reject',
      status: 'rejected',
      reason,
    });
    res.json(answer);
  });
};
