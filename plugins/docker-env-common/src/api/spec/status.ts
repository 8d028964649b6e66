import { errorResponses } from './components';

const count = { type: 'integer', minimum: 0 } as const;

/** The container watchers of the replica that answers (null when they are disabled there). */
const watcherSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: [
    'replica',
    'environments',
    'environmentsPerReplica',
    'streamsOpen',
    'reconnects',
    'eventsReceived',
    'factsDelivered',
    'fullPasses',
    'factsFromFullPasses',
    'lagMs',
  ],
  properties: {
    replica: { type: 'string' },
    environments: count,
    environmentsPerReplica: {
      type: 'object',
      additionalProperties: count,
    },
    streamsOpen: count,
    reconnects: count,
    eventsReceived: count,
    factsDelivered: count,
    fullPasses: count,
    factsFromFullPasses: count,
    lagMs: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['p50', 'p95', 'max', 'samples'],
      properties: {
        p50: { type: 'number' },
        p95: { type: 'number' },
        max: { type: 'number' },
        samples: count,
      },
    },
  },
} as const;

/** Paths of the status concern: external systems' reachability and the container watchers. */
export const statusPaths = {
  '/status': {
    get: {
      operationId: 'getStatus',
      description:
        "Each external system: reachable or not, with its version; and the container watchers' figures on the replica that answers.",
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
                  watcher: watcherSchema,
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
