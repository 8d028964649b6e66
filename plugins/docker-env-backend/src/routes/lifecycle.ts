import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import {
  DELETABLE_STATUSES,
  Environment,
  environmentDeletePermission,
  EnvironmentStatus,
  environmentUpdatePermission,
  Operation,
  OperationKind,
} from '@docker-env/plugin-docker-env-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import { Request } from 'express';
import { Caller } from '../service/access';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { carriedFacts } from '../operations/facts';
import { readableEnvironment } from './environments';
import { generatedSnapshotName } from '../snapshots/snapshotNames';
import type { DockerEnvStore } from '../store/types';
import { CLEANUP_PLAN } from '../operations/registry';

/** Proxmox snapshot names: a letter, then letters, digits, `_` or `-`, at most 40. */
const SNAPSHOT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** A lifecycle request: what it starts, from which statuses, and the status it moves the environment to. */
export interface LifecycleRequest {
  kind: OperationKind;
  action: string;
  permission: ResourcePermission;
  from: EnvironmentStatus[];
  moveTo?: EnvironmentStatus;
  input?: Record<string, unknown>;
  /** More input, read under the lock from the environment as it is then. */
  inputOf?(
    current: Environment,
    tx: Pick<DockerEnvStore, 'operations'>,
  ): Promise<Record<string, unknown>>;
}

/**
 * Which steps a DELETE runs: `delete` (final backup, then every piece) for an environment that was ready or paused,
 * `cleanup` (the undo of every provisioning step, each finding its resource by the environment's mark, no backup)
 * for one an operation left `failed` or `cleanup_required`; a DELETE that finishes a stopped one keeps its plan.
 */
async function deletePlan(
  current: Environment,
  tx: Pick<DockerEnvStore, 'operations'>,
): Promise<Record<string, unknown>> {
  if (current.status === 'failed' || current.status === 'cleanup_required')
    return { plan: CLEANUP_PLAN };
  if (current.status !== 'deleting') return {};
  const { items } = await tx
    .operations()
    .pageForEnvironment(current.id, { limit: 10 });
  const last = items.find(o => o.kind === 'delete');
  return last?.input.plan === CLEANUP_PLAN ? { plan: CLEANUP_PLAN } : {};
}

/** The snapshot name of a path, checked against Proxmox's rule. */
export function validSnapshotName(name: string): string {
  if (!SNAPSHOT_NAME.test(name))
    throw new InputError(
      'snapshot: must start with a letter and hold only letters, digits, _ or - (at most 40)',
    );
  return name;
}

function refuseState(environment: Environment, request: LifecycleRequest) {
  if (environment.status === 'paused' && !request.from.includes('paused')) {
    throw new ConflictError(
      `paused: POST /environments/${environment.name}/resume`,
    );
  }
  if (!request.from.includes(environment.status)) {
    throw new ConflictError(
      `status: ${request.kind} needs the environment ${request.from.join(
        ' or ',
      )}; it is ${environment.status}`,
    );
  }
}

/** `POST /environments/{name}/pause`. */
export const pauseRequest: LifecycleRequest = {
  kind: 'pause',
  action: 'environment.pause',
  permission: environmentUpdatePermission,
  from: ['ready'],
  moveTo: 'pausing',
};

/** `POST /environments/{name}/resume`. */
export const resumeRequest: LifecycleRequest = {
  kind: 'resume',
  action: 'environment.resume',
  permission: environmentUpdatePermission,
  from: ['paused'],
  moveTo: 'resuming',
};

/** `POST /environments/{name}/snapshots`: a snapshot under a generated name. */
export function snapshotCreateRequest(description: string): LifecycleRequest {
  return {
    kind: 'snapshot_create',
    action: 'environment.snapshot.create',
    permission: environmentUpdatePermission,
    from: ['ready'],
    input: {
      snapshotName: generatedSnapshotName(),
      snapshotDescription: description,
    },
  };
}

/**
 * Starts a lifecycle operation on environment `name` for `caller`: read and act permissions, the status rule, the
 * environment's lock, the audit row; refusals are audited too. `req` (when an HTTP request) goes to the auditor.
 */
export async function startLifecycle(
  ctx: RouteContext,
  caller: Caller,
  name: string,
  request: LifecycleRequest,
  options: {
    validate?: () => void;
    req?: Request<any, any, any, any, any>;
  } = {},
): Promise<{ environment: Environment; operation: Operation }> {
  const { validate = () => {}, req } = options;
  const auditEntry = {
    actor: caller.actor,
    action: request.action,
    target: name,
    environmentId: null as string | null,
  };
  try {
    const found = await readableEnvironment(ctx, caller, name);
    auditEntry.environmentId = found.id;
    await ctx.access.requireOn(caller, request.permission, found);
    validate();
    refuseState(found, request);
    const facts = await carriedFacts(ctx, found);
    const answer = await ctx.store.transaction(async tx => {
      // the environment exclusively: any queued or running operation (a rollout too) is a 409 naming it
      await tx.operations().lockEnvironment(found.id, `env:${found.id}`);
      const current = (await tx.getEnvironmentById(found.id)) ?? found;
      refuseState(current, request);
      const more = (await request.inputOf?.(current, tx)) ?? {};
      const operation = await tx.insertOperation({
        environmentId: current.id,
        kind: request.kind,
        input: {
          ...facts,
          vmid: current.vmid,
          node: current.node,
          ...request.input,
          ...more,
          // where a failed operation leaves the environment (a paused one stays paused after a failed delete)
          ...(request.moveTo ? { previousStatus: current.status } : {}),
        },
        requestedBy: caller.actor,
        lockKey: `env:${current.id}`,
      });
      const environment = request.moveTo
        ? (await tx.updateEnvironment(current.id, {
            status: request.moveTo,
            statusReason: null,
          })) ?? current
        : current;
      await ctx.audit.write(tx, {
        ...auditEntry,
        result: 'succeeded',
        details: { operationId: operation.id, ...request.input },
      });
      return { environment, operation };
    });
    await ctx.audit.emit(
      { ...auditEntry, result: 'succeeded' },
      req as Request,
    );
    if (request.moveTo) await ctx.events.changed(answer.environment, 'status');
    return answer;
  } catch (error) {
    if (error instanceof NotAllowedError || error instanceof ConflictError) {
      await ctx.audit.refuse(ctx.store, auditEntry, error, req as Request);
    }
    throw error;
  }
}

/** Pause, resume, snapshots (list, create, rollback, delete) and delete of an environment. */
export const lifecycleRoutes: RouteModule = (router, ctx) => {
  router.post('/environments/:name/pause', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const answer = await startLifecycle(
      ctx,
      caller,
      req.params.name,
      pauseRequest,
      { req },
    );
    res.status(202).json(answer);
  });

  router.post('/environments/:name/resume', async (req, res) => {
    const caller = await ctx.access.caller(req);
    const answer = await startLifecycle(
      ctx,
      caller,
      req.params.name,
      resumeRequest,
      { req },
    );
    res.status(202).json(answer);
  });

  router.get('/environments/:name/snapshots', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    if (environment.vmid === null) {
      throw new ConflictError(
        `vmid: environment ${environment.name} has no CT yet (it is ${environment.status})`,
      );
    }
    const vmid = environment.vmid;
    res.json({
      items: await ctx.snapshots.list({ ...environment, vmid }),
    });
  });

  router.post('/environments/:name/snapshots', async (req, res) => {
    const body = req.body as { description?: string } | undefined;
    const description = body?.description ?? '';
    const caller = await ctx.access.caller(req);
    const answer = await startLifecycle(
      ctx,
      caller,
      req.params.name,
      snapshotCreateRequest(description),
      { req },
    );
    res.status(202).json(answer);
  });

  router.post(
    '/environments/:name/snapshots/:snapshot/rollback',
    async (req, res) => {
      const answer = await startLifecycle(
        ctx,
        await ctx.access.caller(req),
        req.params.name,
        {
          kind: 'snapshot_rollback',
          action: 'environment.snapshot.rollback',
          permission: environmentUpdatePermission,
          from: ['ready'],
          input: { snapshotName: req.params.snapshot },
        },
        { req, validate: () => validSnapshotName(req.params.snapshot) },
      );
      res.status(202).json(answer);
    },
  );

  router.delete('/environments/:name/snapshots/:snapshot', async (req, res) => {
    const answer = await startLifecycle(
      ctx,
      await ctx.access.caller(req),
      req.params.name,
      {
        kind: 'snapshot_delete',
        action: 'environment.snapshot.delete',
        permission: environmentUpdatePermission,
        from: ['ready'],
        input: { snapshotName: req.params.snapshot },
      },
      { req, validate: () => validSnapshotName(req.params.snapshot) },
    );
    res.status(202).json(answer);
  });

  router.delete('/environments/:name', async (req, res) => {
    const name = req.params.name;
    const answer = await startLifecycle(
      ctx,
      await ctx.access.caller(req),
      name,
      {
        kind: 'delete',
        action: 'environment.delete',
        permission: environmentDeletePermission,
        // deleting: a delete that failed half-way is finished by the same request (the store refuses a second one
        // while one is queued or running); failed and cleanup_required: what an operation left is removed
        from: [...DELETABLE_STATUSES],
        moveTo: 'deleting',
        inputOf: deletePlan,
      },
      {
        req,
        validate: () => {
          if (req.query.confirmName !== name)
            throw new InputError(
              `confirmName: must repeat the environment's name "${name}"`,
            );
        },
      },
    );
    res.status(202).json(answer);
  });
};
