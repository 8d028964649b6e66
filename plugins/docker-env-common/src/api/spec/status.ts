import { errorResponses } from './components';

/** Paths of the status concern: external systems' reachability. */
export const statusPaths = {
  '/status': {
    get: {
      operationId: 'getStatus',
      description: 'Each external system: reachable or not, with its version.',
      responses: {
        '200': {
          description: 'The status of every configured external system.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['ok', 'systems'],
                properties: {
                  ok: { type: 'boolean' },
                  systems: {
                    type: 'array',
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: [
                        'name',
                        'reachable',
                        'version',
                        'error',
                        'latencyMs',
                      ],
                      properties: {
                        name: { type: 'string' },
                        reachable: { type: 'boolean' },
                        version: { type: ['string', 'null'] },
                        error: { type: ['string', 'null'] },
                        latencyMs: { type: 'number' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        ...errorResponses,
      },
    },
  },
  '/health': {
    get: {
      operationId: 'getHealth',
      description: 'Cheap liveness answer; no authentication.',
      responses: {
        '200': {
          description: 'Alive.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['status'],
                properties: { status: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
} as const;
