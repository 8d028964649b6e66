import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ENVIRONMENT_STATUSES } from '@docker-env/plugin-docker-env-common';
import { deploymentFor } from '../routes/deployments';
import {
  listEnvironments,
  readableEnvironment,
  requestEnvironment,
} from '../routes/environments';
import {
  pauseRequest,
  resumeRequest,
  snapshotCreateRequest,
  startLifecycle,
} from '../routes/lifecycle';
import { RouteContext } from '../service/RouteContext';
import { actionCaller } from './actionCaller';
import {
  approvalRequestSchema,
  environmentSchema,
  nameInput,
  operationSchema,
  startedSchema,
} from './schemas';

/**
 * Registers the portal's actions (served over MCP by the MCP actions backend). Each runs the code of its HTTP route
 * for the calling user: the same permission checks, status rules, locks and audit rows; service principals refused.
 */
export function registerDockerEnvActions(
  registry: ActionsRegistryService,
  ctx: RouteContext,
): void {
  registry.register({
    name: 'list-environments',
    title: 'List environments',
    description:
      "Lists the Docker environments the signed-in user may see (their own and their teams'), by name, with status, owner, size and expiry. Filter by owner entity ref or status; page with the returned nextCursor. Use it first to find the name the other actions take.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          owner: z
            .string()
            .optional()
            .describe(
              'Only this owner: user:default/alice or group:default/team-a',
            ),
          status: z.enum(ENVIRONMENT_STATUSES).optional(),
          cursor: z
            .string()
            .optional()
            .describe('nextCursor of the previous page'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(500)
            .optional()
            .describe('Page size (default 50)'),
        }),
      output: z =>
        z.object({
          items: z.array(environmentSchema(z)),
          totalCount: z.number(),
          nextCursor: z.string().nullable(),
        }),
    },
    action: async ({ input, credentials }) => {
      const caller = await actionCaller(ctx, credentials, {
        action: 'environment.list',
        target: null,
      });
      return { output: await listEnvironments(ctx, caller, input) };
    },
  });

  registry.register({
    name: 'get-environment',
    title: 'Get an environment',
    description:
      'One environment by name: status (ready, paused, provisioning, pending_approval, failed, ...), why (statusReason), size, URL and expiry. Call it after pause, resume or request-environment to follow the change.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: nameInput,
      output: z => z.object({ environment: environmentSchema(z) }),
    },
    action: async ({ input, credentials }) => {
      const caller = await actionCaller(ctx, credentials, {
        action: 'environment.read',
        target: input.name,
      });
      return {
        output: {
          environment: await readableEnvironment(ctx, caller, input.name),
        },
      };
    },
  });

  registry.register({
    name: 'pause',
    title: 'Pause an environment',
    description:
      'Pauses a ready environment: its containers stop and its container host is suspended until resume; data and containers are kept. Queues an operation and answers at once with the environment (status pausing) and the operation. Refused unless the user may update the environment and it is ready.',
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: { input: nameInput, output: startedSchema },
    action: async ({ input, credentials }) => {
      const caller = await actionCaller(ctx, credentials, {
        action: pauseRequest.action,
        target: input.name,
      });
      return {
        output: await startLifecycle(ctx, caller, input.name, pauseRequest),
      };
    },
  });

  registry.register({
    name: 'resume',
    title: 'Resume an environment',
    description:
      'Resumes a paused environment: the container host starts and the containers that ran at pause start again. Queues an operation and answers with the environment (status resuming) and the operation. Refused unless the user may update the environment and it is paused.',
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: { input: nameInput, output: startedSchema },
    action: async ({ input, credentials }) => {
      const caller = await actionCaller(ctx, credentials, {
        action: resumeRequest.action,
        target: input.name,
      });
      return {
        output: await startLifecycle(ctx, caller, input.name, resumeRequest),
      };
    },
  });

  registry.register({
    name: 'create-snapshot',
    title: 'Snapshot an environment',
    description:
      'Takes a snapshot of a ready environment (its disk and configuration, under a generated name) that it can be rolled back to in the portal. Each call takes a new snapshot; the oldest are pruned by the retention policy. Answers with the queued operation, whose input holds the snapshot name.',
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        nameInput(z).extend({
          description: z
            .string()
            .max(255)
            .optional()
            .describe('Why the snapshot was taken, shown next to it'),
        }),
      output: startedSchema,
    },
    action: async ({ input, credentials }) => {
      const request = snapshotCreateRequest(input.description ?? '');
      const caller = await actionCaller(ctx, credentials, {
        action: request.action,
        target: input.name,
      });
      return {
        output: await startLifecycle(ctx, caller, input.name, request),
      };
    },
  });

  registry.register({
    name: 'get-deployment',
    title: 'Get a deployment',
    description:
      'One deployment (a container rollout from CI) of an environment by its id: status, image, container, the step that failed and why. Env values and registry credentials are never shown, only the env keys.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        nameInput(z).extend({
          id: z
            .string()
            .min(1)
            .describe('Deployment id, as the CI job or the portal shows it'),
        }),
      output: z => z.object({ deployment: operationSchema(z) }),
    },
    action: async ({ input, credentials }) => {
      const caller = await actionCaller(ctx, credentials, {
        action: 'deployment.read',
        target: input.name,
      });
      return {
        output: {
          deployment: await deploymentFor(ctx, caller, input.name, input.id),
        },
      };
    },
  });

  registry.register({
    name: 'request-environment',
    title: 'Request an environment',
    description:
      "Requests a new Docker environment owned by the user or one of their teams. Within the owner's quota it is provisioned at once (status provisioning, with the operation); over quota it waits for an admin's approval (status pending_approval, with the approval request) and nothing is created until then. Give a size (S, M, L) or cpuCores, memoryMb and diskGb. Send a fresh idempotencyKey per environment you mean to create and the same key when retrying: a repeated key answers the first answer instead of requesting again.",
    attributes: { readOnly: false, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .describe(
              'Lower-case letters, digits and hyphens; becomes the host name',
            ),
          owner: z
            .string()
            .describe(
              'The user (user:default/alice) or one of their groups (group:default/team-a)',
            ),
          size: z.enum(['S', 'M', 'L']).optional(),
          cpuCores: z.number().optional(),
          memoryMb: z.number().optional(),
          diskGb: z.number().optional(),
          purpose: z
            .string()
            .optional()
            .describe('What the environment is for'),
          expiresOn: z
            .string()
            .optional()
            .describe('YYYY-MM-DD, today or later'),
          idempotencyKey: z
            .string()
            .min(1)
            .max(255)
            .describe(
              'A random string, new per intended environment, repeated on retries',
            ),
        }),
      output: z =>
        z.object({
          environment: environmentSchema(z),
          operation: operationSchema(z).optional(),
          request: approvalRequestSchema(z)
            .optional()
            .describe('The approval request when over quota'),
          replayed: z
            .boolean()
            .describe(
              'True when this is the answer to an earlier call with the same idempotencyKey',
            ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { idempotencyKey, ...body } = input;
      const caller = await actionCaller(ctx, credentials, {
        action: 'environment.create',
        target: body.name,
      });
      const answer = await requestEnvironment(ctx, caller, body, {
        idempotencyKey,
      });
      return { output: { ...answer.body, replayed: !answer.fresh } };
    },
  });
}
