import { ENVIRONMENT_STATUSES } from '../../types';
import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

/** Paths of the environments concern: create, list, read, operations, names. */
export const environmentPaths = {
  '/environments': {
    post: {
      operationId: 'createEnvironment',
      description:
        "Request an environment. The owner must be the caller or one of the caller's groups (admins: anyone).",
      parameters: [
        {
          in: 'header',
          name: 'Idempotency-Key',
          required: false,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'owner'],
              properties: {
                name: { type: 'string' },
                owner: { type: 'string' },
                size: { type: 'string', enum: ['S', 'M', 'L'] },
                cpuCores: { type: 'integer' },
                memoryMb: { type: 'integer' },
                diskGb: { type: 'integer' },
                purpose: { type: 'string', maxLength: 1024 },
                expiresOn: { type: 'string', format: 'date' },
              },
            },
          },
        },
      },
      responses: {
        '202': {
          description:
            'Accepted: the environment and its provision operation, or (over quota) its approval request.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['environment'],
                properties: {
                  environment: { $ref: '#/components/schemas/Environment' },
                  operation: { $ref: '#/components/schemas/Operation' },
                  request: { $ref: '#/components/schemas/ApprovalRequest' },
                },
              },
            },
          },
        },
        '409': {
          description:
            'The name is taken, or the Idempotency-Key was used for another request.',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...errorResponses,
      },
    },
    get: {
      operationId: 'listEnvironments',
      description: 'The environments the caller may see.',
      parameters: [
        {
          in: 'query',
          name: 'owner',
          required: false,
          allowReserved: true,
          schema: { type: 'string' },
        },
        {
          in: 'query',
          name: 'status',
          required: false,
          schema: { type: 'string', enum: [...ENVIRONMENT_STATUSES] },
        },
        {
          in: 'query',
          name: 'limit',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 500 },
        },
        {
          in: 'query',
          name: 'cursor',
          required: false,
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'One page of environments.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['items', 'totalCount', 'nextCursor'],
                properties: {
                  items: {
                    type: 'array',
                    items: { $ref: '#/components/schemas/Environment' },
                  },
                  totalCount: { type: 'integer' },
                  nextCursor: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
  '/environments/{name}': {
    get: {
      operationId: 'getEnvironment',
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'The environment that holds the name.',
          content: json({ $ref: '#/components/schemas/Environment' }),
        },
        ...errorResponses,
        ...notFoundResponse,
      },
    },
  },
  '/environments/{name}/operations': {
    get: {
      operationId: 'listOperations',
      parameters: [
        nameParameter,
        {
          in: 'query',
          name: 'limit',
          required: false,
          description: 'Operations per page (default 50).',
          schema: { type: 'integer', minimum: 1, maximum: 200 },
        },
        {
          in: 'query',
          name: 'cursor',
          required: false,
          description: 'The `nextCursor` of the page before.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description:
            "One page of the environment's operations, newest first, with their steps.",
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['items', 'nextCursor'],
                properties: {
                  items: {
                    type: 'array',
                    items: { $ref: '#/components/schemas/Operation' },
                  },
                  nextCursor: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...errorResponses,
        ...notFoundResponse,
      },
    },
  },
  '/names/{name}': {
    get: {
      operationId: 'checkName',
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'Whether the name is valid and free.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'available', 'reason', 'message'],
                properties: {
                  name: { type: 'string' },
                  available: { type: 'boolean' },
                  reason: {
                    type: ['string', 'null'],
                    enum: ['invalid', 'reserved', 'taken', null],
                  },
                  message: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
} as const;
