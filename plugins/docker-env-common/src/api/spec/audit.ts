import { errorResponses, json } from './components';

/** Schemas of the audit concern. */
export const auditSchemas = {
  AuditEvent: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'at',
      'actor',
      'action',
      'target',
      'environmentId',
      'result',
      'reason',
      'requestId',
      'details',
    ],
    properties: {
      id: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string' },
      action: { type: 'string' },
      target: { type: ['string', 'null'] },
      environmentId: { type: ['string', 'null'] },
      result: { type: 'string', enum: ['succeeded', 'refused', 'failed'] },
      reason: { type: ['string', 'null'] },
      requestId: { type: ['string', 'null'] },
      details: { type: 'object' },
    },
  },
} as const;

const filter = (name: string, description: string) =>
  ({
    in: 'query',
    name,
    required: false,
    allowReserved: true,
    description,
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  } as const);

/** Paths of the audit concern. */
export const auditPaths = {
  '/audit': {
    get: {
      operationId: 'listAuditEvents',
      description:
        "Audit events, newest first. Admins see all; others only their own environments' events and must name one with `environment`.",
      parameters: [
        filter('environment', 'The name of an environment.'),
        filter('actor', 'An entity ref, e.g. user:default/alice.'),
        filter('action', 'e.g. environment.create.'),
        filter('from', 'ISO 8601 time; events at or after it.'),
        filter('to', 'ISO 8601 time; events before it.'),
        {
          in: 'query',
          name: 'limit',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      ],
      responses: {
        '200': {
          description: 'The matching events.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: { $ref: '#/components/schemas/AuditEvent' },
              },
            },
          }),
        },
        ...errorResponses,
      },
    },
  },
} as const;
