import { createHash } from 'node:crypto';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CreateEnvironmentRequest,
  Environment,
  environmentCreatePermission,
  environmentReadPermission,
  EnvironmentStatus,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { Caller } from '../service/access';
import { RouteContext, RouteModule } from '../service/RouteContext';
import type { EnvironmentPage } from '../store';
import { approvalNeededNotice, ApprovalRequest } from '../quotas';
import { withoutSecrets } from '../deployments/withoutSecrets';
import {
  provisionOperation,
  validateCreateRequest,
  ValidCreateRequest,
} from './createEnvironment';

const DEFAULT_PAGE_SIZE = 50;

/** An answer to a create, as stored for its Idempotency-Key. */
export interface CreateAnswer {
  statusCode: number;
  body: {
    environment: Environment;
    operation?: Operation;
    request?: ApprovalRequest;
  };
  /** False when this is the stored answer to an earlier request with the same key. */
  fresh: boolean;
}

function requestHash(input: ValidCreateRequest): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** Finds the environment holding `name` that the caller may read; 404 / 403 otherwise. */
export async function readableEnvironment(
  ctx: RouteContext,
  caller: Caller,
  name: string,
): Promise<Environment> {
  const environment = await ctx.store.getEnvironmentByName(name);
  if (!environment)
    throw new NotFoundError(`environment "${name}" does not exist`);
  await ctx.access.requireOn(caller, environmentReadPermission, environment);
  return environment;
}

async function createEnvironment(
  ctx: RouteContext,
  caller: Caller,
  input: ValidCreateRequest,
  idempotencyKey: string | undefined,
): Promise<CreateAnswer> {
  const hash = requestHash(input);
  return ctx.store.transaction(async tx => {
    if (idempotencyKey) {
      const earlier = await tx.getIdempotentAnswer(
        caller.actor,
        idempotencyKey,
      );
      if (earlier) {
        if (earlier.requestHash !== hash) {
          throw new ConflictError(
            'Idempotency-Key: was already used for a different request',
          );
        }
        return {
          statusCode: earlier.statusCode,
          body: earlier.response as CreateAnswer['body'],
          fresh: false,
        };
      }
    }
    const decision = await ctx.quotas.check(tx, {
      ...input,
      requestedBy: caller.actor,
    });
    const environment = await tx.insertEnvironment({
      ...input,
      status: decision.withinQuota ? 'provisioning' : 'pending_approval',
      createdBy: caller.actor,
    });
    let body: CreateAnswer['body'];
    if (decision.withinQuota) {
      const operation = await tx.insertOperation(
        provisionOperation(environment, caller.actor),
      );
      body = { environment, operation };
    } else {
      const request = await ctx.quotas.holdForApproval(
        tx,
        environment,
        decision.reason,
      );
      body = { environment, request };
      await ctx.notifier.stage(
        approvalNeededNotice(environment, request, ctx.quotas.approvers),
        tx,
      );
    }
    await ctx.audit.write(tx, {
      actor: caller.actor,
      action: 'environment.create',
      target: environment.name,
      environmentId: environment.id,
      result: 'succeeded',
      details: {
        owner: environment.owner,
        size: environment.size,
        status: environment.status,
      },
    });
    if (idempotencyKey) {
      await tx.saveIdempotentAnswer(caller.actor, idempotencyKey, {
        requestHash: hash,
        statusCode: 202,
        response: body,
      });
    }
    return { statusCode: 202, body, fresh: true };
  });
}

/**
 * `POST /environments` for `caller`: the create permission, the owner rule, the quota gate (over quota: held for
 * approval), the audit row; a repeated `idempotencyKey` answers the first request's answer. `req` goes to the auditor.
 */
export async function requestEnvironment(
  ctx: RouteContext,
  caller: Caller,
  body: CreateEnvironmentRequest,
  options: {
    idempotencyKey?: string;
    req?: Request<any, any, any, any, any>;
  } = {},
): Promise<CreateAnswer> {
  const { idempotencyKey, req } = options;
  const input = validateCreateRequest(body);
  const auditEntry = {
    actor: caller.actor,
    action: 'environment.create',
    target: input.name,
    environmentId: null,
  };
  try {
    await ctx.access.require(caller, environmentCreatePermission);
    if (
      !caller.ownershipEntityRefs.includes(input.owner) &&
      !(await ctx.access.isAdmin(caller))
    ) {
      throw new NotAllowedError(
        `owner: must be you or one of your groups (${caller.ownershipEntityRefs.join(
          ', ',
        )}); only admins may name another owner`,
      );
    }
    const answer = await createAnswerOrEarlier(
      ctx,
      caller,
      input,
      idempotencyKey,
    );
    if (answer.fresh) {
      await ctx.audit.emit(
        {
          ...auditEntry,
          environmentId: answer.body.environment.id,
          result: 'succeeded',
        },
        req as Request | undefined,
      );
      ctx.notifier.sendSoon();
      await ctx.events.changed(answer.body.environment, 'created');
    }
    return answer;
  } catch (error) {
    if (error instanceof NotAllowedError || error instanceof ConflictError) {
      await ctx.audit.refuse(
        ctx.store,
        auditEntry,
        error,
        req as Request | undefined,
      );
    }
    throw error;
  }
}

/** `GET /environments` for `caller`: the page of the environments they may read. */
export async function listEnvironments(
  ctx: RouteContext,
  caller: Caller,
  query: {
    owner?: string;
    status?: EnvironmentStatus;
    cursor?: string;
    limit?: number;
  },
): Promise<EnvironmentPage> {
  const filter = await ctx.access.filterFor(caller, environmentReadPermission);
  if (filter.kind === 'none')
    return { items: [], totalCount: 0, nextCursor: null };
  return ctx.store.listEnvironments({
    owner: query.owner,
    status: query.status,
    cursor: query.cursor,
    limit: query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit),
    filter: filter.kind === 'some' ? filter.criteria : undefined,
  });
}

/** Creates, or when a concurrent request with the same key won the race, returns its answer. */
async function createAnswerOrEarlier(
  context: RouteContext,
  caller: Caller,
  input: ValidCreateRequest,
  key: string | undefined,
): Promise<CreateAnswer> {
  try {
    return await createEnvironment(context, caller, input, key);
  } catch (error) {
    const earlier =
      key && (await context.store.getIdempotentAnswer(caller.actor, key));
    if (earlier && earlier.requestHash === requestHash(input)) {
      return {
        statusCode: earlier.statusCode,
        body: earlier.response as CreateAnswer['body'],
        fresh: false,
      };
    }
    throw error;
  }
}

/** Operations per page of `GET /environments/{name}/operations` when the caller gives no limit. */
const DEFAULT_OPERATIONS_PAGE = 50;

/** `POST /environments`, `GET /environments`, `GET /environments/{name}`, `GET /environments/{name}/operations`. */
export const environmentRoutes: RouteModule = (router, ctx) => {
  router.post('/environments', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const answer = await requestEnvironment(
      ctx,
      caller,
      req.body as CreateEnvironmentRequest,
      { idempotencyKey: req.header('Idempotency-Key') || undefined, req },
    );
    res.status(answer.statusCode).json(answer.body);
  });

  router.get('/environments', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    res.json(await listEnvironments(ctx, caller, req.query));
  });

  router.get('/environments/:name', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    res.json(await readableEnvironment(ctx, caller, req.params.name));
  });

  router.get('/environments/:name/operations', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    const page = await ctx.store
      .operations()
      .pageForEnvironment(environment.id, {
        limit: req.query.limit ?? DEFAULT_OPERATIONS_PAGE,
        cursor: req.query.cursor,
      });
    res.json({ ...page, items: page.items.map(withoutSecrets) });
  });
};
