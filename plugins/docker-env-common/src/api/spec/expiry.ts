import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

/**
 * The `PATCH /environments/{name}` operation, merged into the environment's path by `openapi.ts`: extend `expiresOn`
 * (permission `docker-env.environment.update`), resize (`docker-env.environment.resize`) or transfer to another owner
 * (`docker-env.environment.transfer`), one per request.
 */
export const extendEnvironmentOperation = {
  operationId: 'patchEnvironment',
  description:
    "Extend the environment (a later `expiresOn`, at most the admin's maximum number of days from today; 200) or resize it (`size` S/M/L, or any of `cpuCores`, `memoryMb`, `diskGb`; the disk only grows; within the owner's quota; 202 with the `resize` operation: CPU and memory apply live on a running CT and the disk grows online, a paused one takes them at its resume) or transfer it (`owner`, a user or group entity ref the catalog knows; the caller must belong to it unless admin; within the new owner's quota; 202 with the `transfer` operation: the CT's description, NetBox's owner field, the catalog entity, the Portainer team access and the owner's registries follow). Audited.",
  parameters: [nameParameter],
  requestBody: {
    required: true,
    content: json({
      type: 'object',
      properties: {
        expiresOn: { type: 'string' },
        size: { type: 'string', enum: ['S', 'M', 'L'] },
        cpuCores: { type: 'integer' },
        memoryMb: { type: 'integer' },
        diskGb: { type: 'integer' },
        owner: { type: 'string', minLength: 1, maxLength: 255 },
      },
    }),
  },
  responses: {
    '200': {
      description: 'The extended environment.',
      content: json({ $ref: '#/components/schemas/Environment' }),
    },
    '202': {
      description:
        'Resize or transfer accepted: the environment (with its new resources or owner) and the queued operation.',
      content: json({
        type: 'object',
        additionalProperties: false,
        required: ['environment', 'operation'],
        properties: {
          environment: { $ref: '#/components/schemas/Environment' },
          operation: { $ref: '#/components/schemas/Operation' },
        },
      }),
    },
    '409': {
      description:
        'The environment ended (deleting, deleted, failed), another operation holds it, or a resize or transfer would take the (new) owner over its quota (the message names the quota and the headroom).',
      content: json({ $ref: '#/components/schemas/Error' }),
    },
    ...notFoundResponse,
    ...errorResponses,
  },
} as const;
