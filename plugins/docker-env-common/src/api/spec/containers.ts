import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const notReady = {
  '409': {
    description:
      'The environment is not ready (paused: the message says how to resume).',
    content: json({ $ref: '#/components/schemas/Error' }),
  },
  '503': {
    description: "The environment's Docker engine could not be read.",
    content: json({ $ref: '#/components/schemas/Error' }),
  },
} as const;

const port = {
  type: 'object',
  additionalProperties: false,
  properties: {
    containerPort: { type: 'integer' },
    protocol: { type: 'string' },
    hostIp: { type: 'string' },
    hostPort: { type: 'integer' },
  },
} as const;

/** Paths of the containers concern: the list and bounded logs. */
export const containerPaths = {
  '/environments/{name}/containers': {
    get: {
      operationId: 'listContainers',
      description:
        "The environment's containers: state, health, restarts, image, ports.",
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'The containers, by name (at most 200).',
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
                  required: ['id', 'name', 'image', 'state', 'health'],
                  properties: {
                    id: { type: 'string' },
                    name: { type: 'string' },
                    image: { type: 'string' },
                    state: { type: 'string' },
                    status: { type: 'string' },
                    health: { type: 'string' },
                    restartCount: { type: 'integer' },
                    ports: { type: 'array', items: port },
                  },
                },
              },
            },
          }),
        },
        ...notReady,
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
  '/environments/{name}/containers/{container}/logs': {
    get: {
      operationId: 'readContainerLogs',
      description:
        'The last `tail` lines (1-2000, default 100) of a container; every value of its environment is `[redacted]`.',
      parameters: [
        nameParameter,
        {
          in: 'path',
          name: 'container',
          required: true,
          schema: { type: 'string', maxLength: 128 },
        },
        {
          in: 'query',
          name: 'tail',
          required: false,
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'The logs; each stream is cut to its last 256 KiB.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['container', 'tail', 'logs', 'truncated'],
            properties: {
              container: { type: 'string' },
              tail: { type: 'integer' },
              logs: { type: 'string' },
              stdout: { type: 'string' },
              stderr: { type: 'string' },
              truncated: { type: 'boolean' },
            },
          }),
        },
        ...notReady,
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
} as const;
