import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const accepted = {
  '202': {
    description: 'Accepted: the environment and the queued operation.',
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
      'Another lifecycle operation runs, or the environment is not in a state that allows this (paused: resume first).',
    content: json({ $ref: '#/components/schemas/Error' }),
  },
  ...notFoundResponse,
  ...errorResponses,
} as const;

const snapshotParameter = {
  in: 'path',
  name: 'snapshot',
  required: true,
  schema: { type: 'string', maxLength: 64 },
} as const;

/** Paths of the lifecycle concern: pause, resume, snapshots, delete. */
export const lifecyclePaths = {
  '/environments/{name}/pause': {
    post: {
      operationId: 'pauseEnvironment',
      description:
        'Stop the containers and the CT; the route answers "paused".',
      parameters: [nameParameter],
      responses: accepted,
    },
  },
  '/environments/{name}/resume': {
    post: {
      operationId: 'resumeEnvironment',
      description:
        'Start the CT and exactly the containers that ran before the pause.',
      parameters: [nameParameter],
      responses: accepted,
    },
  },
  '/environments/{name}/snapshots': {
    get: {
      operationId: 'listSnapshots',
      description: "The environment's snapshots, oldest first.",
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'The snapshots.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name', 'description', 'origin', 'inProxmox'],
                  properties: {
                    name: { type: 'string' },
                    description: { type: 'string' },
                    snaptime: { type: 'integer' },
                    parent: { type: 'string' },
                    origin: { type: 'string', enum: ['portal', 'outside'] },
                    inProxmox: { type: 'boolean' },
                    createdBy: { type: 'string' },
                    createdAt: { type: 'string', format: 'date-time' },
                    operationId: { type: 'string' },
                  },
                },
              },
            },
          }),
        },
        '409': accepted['409'],
        ...notFoundResponse,
        ...errorResponses,
      },
    },
    post: {
      operationId: 'createSnapshot',
      description: 'Take a snapshot of the CT under a generated name.',
      parameters: [nameParameter],
      requestBody: {
        required: false,
        content: json({
          type: 'object',
          additionalProperties: false,
          properties: { description: { type: 'string', maxLength: 512 } },
        }),
      },
      responses: accepted,
    },
  },
  '/environments/{name}/snapshots/{snapshot}/rollback': {
    post: {
      operationId: 'rollbackSnapshot',
      description:
        'Roll the CT back to a snapshot (stopped and started around it).',
      parameters: [nameParameter, snapshotParameter],
      responses: accepted,
    },
  },
  '/environments/{name}/snapshots/{snapshot}': {
    delete: {
      operationId: 'deleteSnapshot',
      description: 'Delete a snapshot.',
      parameters: [nameParameter, snapshotParameter],
      responses: accepted,
    },
  },
} as const;

/** The `DELETE /environments/{name}` operation, merged into the environment's path by `openapi.ts`. */
export const deleteEnvironmentOperation = {
  operationId: 'deleteEnvironment',
  description:
    'Delete the environment (final backup first); confirmName must repeat the name. The record stays `deleted`.',
  parameters: [
    nameParameter,
    {
      in: 'query',
      name: 'confirmName',
      required: false,
      schema: { type: 'string' },
    },
  ],
  responses: accepted,
} as const;
