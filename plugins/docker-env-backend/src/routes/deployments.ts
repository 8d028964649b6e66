import { ConflictError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import type {
  Environment,
  Operation,
} from '@docker-env/plugin-docker-env-common';
import { Request } from 'express';
import { Caller } from '../service/access';
import { RouteContext, RouteModule } from '../service/RouteContext';
import { readableEnvironment } from './environments';
import { carriedFacts } from '../operations/facts';
import { withoutSecrets } from '../deployments/withoutSecrets';
import { assertDeploymentBody } from '../deployments/deploymentBody';
import { DEPLOYMENTS_PER_HOUR } from '../deployments/DeploymentRateLimit';
import { TooManyRequestsError } from '../service/requestErrors';

/** The deployment `id` of the environment, or 404. */
async function deploymentOf(
  ctx: RouteContext,
  environment: Environment,
  id: string,
) {
  const operation = await ctx.store.getOperation(id);
  if (
    !operation ||
    operation.environmentId !== environment.id ||
    operation.kind !== 'deploy'
  )
    throw new NotFoundError(
      `deployment ${id} of ${environment.name} does not exist`,
    );
  return operation;
}

/** `GET /environments/{name}/deployments/{id}` for a signed-in caller: the deployment, secrets left out. */
export async function deploymentFor(
  ctx: RouteContext,
  caller: Caller,
  name: string,
  id: string,
): Promise<Operation> {
  const environment = await readableEnvironment(ctx, caller, name);
  return withoutSecrets(await deploymentOf(ctx, environment, id));
}

/** Deployments need the environment ready (read again under the lock in the inserting transaction). */
function refuseState(environment: Environment) {
  if (environment.status === 'paused')
    throw new ConflictError(
      `paused: resume the environment first (POST /environments/${environment.name}/resume)`,
    );
  if (environment.status !== 'ready')
    throw new ConflictError(
      `status: deployments need the environment ready; it is ${environment.status}`,
    );
}

/**
 * Deployments: `POST` with a deployment token (X-Deploy-Token), `GET .../deployments/{id}` with the token or a user,
 * `GET .../deployments` (history) for users. The plugin's auth policy lets these paths through without Backstage
 * credentials, so every handler checks its own.
 */
export const deploymentRoutes: RouteModule = (router, ctx) => {
  router.post('/environments/:name/deployments', async (req, res) => {
    const named = await ctx.store.getEnvironmentByName(req.params.name);
    const token = await ctx.deployTokens.verify(
      req.header('x-deploy-token'),
      named?.id ?? null,
      { address: req.ip },
    );
    const environment = named!;
    const actor = token.createdBy;
    const auditEntry = {
      actor,
      action: 'deployment.create',
      target: environment.name,
      environmentId: environment.id,
    };
    try {
      const { registryAuth, env, ...spec } = assertDeploymentBody(
        req.body,
        randomUUID(),
      );
      const envKeys = Object.keys(env ?? {});
      refuseState(environment);
      const lockKey = `deploy:${environment.id}:${spec.container}`;
      const facts = await carriedFacts(ctx, environment);
      const operation = await ctx.store.transaction(async tx => {
        const retryAfter = await ctx.deploymentRateLimit.retryAfterSeconds(
          tx,
          actor,
        );
        if (retryAfter !== undefined)
          throw new TooManyRequestsError(
            `rate limit: at most ${DEPLOYMENTS_PER_HOUR} deployments per token owner per hour; retry after ${retryAfter} s`,
            retryAfter,
          );
        await ctx.quotas.checkContainer(tx, environment, spec.container);
        // the environment shared, the container exclusively (after the owner locks above, the order every writer
        // takes them in): a lifecycle operation, or a rollout of this container, queued or running is a 409 naming it
        await tx.operations().lockEnvironment(environment.id, lockKey);
        refuseState(
          (await tx.getEnvironmentById(environment.id)) ?? environment,
        );
        const created = await tx.insertOperation({
          environmentId: environment.id,
          kind: 'deploy',
          input: {
            ...facts,
            deployment: { ...spec, envKeys },
            tokenId: token.id,
            // the values are sealed until the rollout ends; the recorded input only refers to them
            ...(envKeys.length > 0 || registryAuth
              ? {
                  secretsRef: await ctx.deploymentSecrets.keep(
                    tx.deploymentSecrets(),
                    {
                      env: env ?? {},
                      ...(registryAuth ? { registryAuth } : {}),
                    },
                  ),
                }
              : {}),
          },
          requestedBy: actor,
          lockKey,
        });
        await ctx.audit.write(tx, {
          ...auditEntry,
          result: 'succeeded',
          details: {
            operationId: created.id,
            tokenId: token.id,
            image: spec.image,
            container: spec.container,
          },
        });
        return created;
      });
      await ctx.audit.emit(
        { ...auditEntry, result: 'succeeded' },
        req as Request,
      );
      res.status(202).json(withoutSecrets(operation));
    } catch (error) {
      if (error instanceof ConflictError)
        await ctx.audit.refuse(ctx.store, auditEntry, error, req as Request);
      throw error;
    }
  });

  router.get('/environments/:name/deployments/:id', async (req, res) => {
    const presented = req.header('x-deploy-token');
    if (presented === undefined) {
      const caller = await ctx.access.caller(req, { allowService: true });
      res.json(
        await deploymentFor(ctx, caller, req.params.name, req.params.id),
      );
      return;
    }
    const named = await ctx.store.getEnvironmentByName(req.params.name);
    await ctx.deployTokens.verify(presented, named?.id ?? null, {
      address: req.ip,
    });
    res.json(withoutSecrets(await deploymentOf(ctx, named!, req.params.id)));
  });

  router.get('/environments/:name/deployments', async (req, res) => {
    const caller = await ctx.access.caller(req, { allowService: true });
    const environment = await readableEnvironment(ctx, caller, req.params.name);
    const operations = await ctx.store.listOperations(environment.id);
    res.json({
      items: operations.filter(o => o.kind === 'deploy').map(withoutSecrets),
    });
  });
};
