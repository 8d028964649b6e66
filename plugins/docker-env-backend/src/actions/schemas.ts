import type { ActionsRegistryActionOptions } from '@backstage/backend-plugin-api/alpha';
import {
  ENVIRONMENT_STATUSES,
  OPERATION_KINDS,
  OPERATION_STATUSES,
  OPERATION_STEP_STATUSES,
} from '@docker-env/plugin-docker-env-common';

/** The zod the actions registry hands to schema factories (its own `zod/v3`). */
export type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

/** An environment as the HTTP API answers it (every field: the registry's output parse drops unknown keys). */
export const environmentSchema = (z: Z) =>
  z.object({
    id: z.string(),
    name: z
      .string()
      .describe('The environment name, used by every other action'),
    owner: z
      .string()
      .describe('Owner entity ref: user:default/alice or group:default/team-a'),
    status: z
      .enum(ENVIRONMENT_STATUSES)
      .describe('Lifecycle status; pause needs ready, resume needs paused'),
    statusReason: z.string().nullable(),
    size: z.enum(['S', 'M', 'L', 'custom']),
    cpuCores: z.number(),
    memoryMb: z.number(),
    diskGb: z.number(),
    purpose: z.string(),
    expiresOn: z
      .string()
      .nullable()
      .describe('YYYY-MM-DD, or null when it does not expire'),
    url: z.string().nullable(),
    portainerUrl: z.string().nullable(),
    vmid: z.number().nullable(),
    node: z.string().nullable(),
    netboxVmId: z.number().nullable(),
    portainerEndpointId: z.number().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  });

/** An operation (provision, pause, resume, snapshot, deployment) as the HTTP API answers it; secrets left out. */
export const operationSchema = (z: Z) =>
  z.object({
    id: z.string().describe('Operation id; its progress shows in the portal'),
    environmentId: z.string(),
    kind: z.enum(OPERATION_KINDS),
    status: z.enum(OPERATION_STATUSES),
    input: z.record(z.unknown()),
    result: z.record(z.unknown()).nullable(),
    error: z.string().nullable(),
    failedStep: z.string().nullable(),
    requestedBy: z.string(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    attempts: z.number(),
    steps: z.array(
      z.object({
        position: z.number(),
        name: z.string(),
        status: z.enum(OPERATION_STEP_STATUSES),
        startedAt: z.string().nullable(),
        endedAt: z.string().nullable(),
        facts: z.record(z.unknown()),
        error: z.string().nullable(),
      }),
    ),
  });

/** An approval request (an environment requested over quota). */
export const approvalRequestSchema = (z: Z) =>
  z.object({
    id: z.string(),
    environmentId: z.string(),
    environment: z.string(),
    owner: z.string(),
    requestedBy: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    quotaReason: z.string().describe('Which quota the request exceeds'),
    decidedBy: z.string().nullable(),
    reason: z.string().nullable(),
    size: z.string(),
    cpuCores: z.number(),
    memoryMb: z.number(),
    diskGb: z.number(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  });

/** The answer of a lifecycle action: the environment after the request and the operation it queued. */
export const startedSchema = (z: Z) =>
  z.object({
    environment: environmentSchema(z),
    operation: operationSchema(z),
  });

/** The input of the actions on one environment. */
export const nameInput = (z: Z) =>
  z.object({
    name: z
      .string()
      .min(1)
      .describe('Environment name, as list-environments shows it'),
  });
