import {
  errorResponse,
  errorResponses,
  json,
  notFoundResponse,
} from './components';

const count = { type: 'integer', minimum: 0 } as const;

/**
 * Upper bounds of a quota value set through the API: far above any real platform (a million cores, 1 PB of memory),
 * low enough that arithmetic on them stays exact.
 */
export const QUOTA_MAXIMUMS = {
  cpuCores: 1_000_000,
  memoryMb: 1_000_000_000,
  diskGb: 100_000_000,
  environments: 1_000_000,
  containers: 10_000_000,
} as const;

/** The body of `PUT /quotas/{entityRef}`: each value bounded. */
const quotaChange = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cpuCores: { ...count, maximum: QUOTA_MAXIMUMS.cpuCores },
    memoryMb: { ...count, maximum: QUOTA_MAXIMUMS.memoryMb },
    diskGb: { ...count, maximum: QUOTA_MAXIMUMS.diskGb },
    environments: { ...count, maximum: QUOTA_MAXIMUMS.environments },
    containers: { ...count, maximum: QUOTA_MAXIMUMS.containers },
  },
} as const;

const quotaLimits = {
  type: 'object',
  additionalProperties: false,
  required: ['cpuCores', 'memoryMb', 'diskGb', 'environments', 'containers'],
  properties: {
    cpuCores: count,
    memoryMb: count,
    diskGb: count,
    environments: count,
    containers: count,
  },
} as const;

/** Schemas of the quotas and approvals concern. */
export const quotaSchemas = {
  QuotaLimits: quotaLimits,
  EffectiveQuota: {
    type: 'object',
    additionalProperties: false,
    required: ['owner', 'quota', 'source', 'usage'],
    properties: {
      owner: { type: 'string' },
      quota: { $ref: '#/components/schemas/QuotaLimits' },
      source: { type: 'string', enum: ['override', 'default', 'config'] },
      usage: {
        type: ['object', 'null'],
        additionalProperties: false,
        description: 'Null for the default quota itself.',
        required: [
          'cpuCores',
          'memoryMb',
          'diskGb',
          'environments',
          'containers',
        ],
        properties: {
          cpuCores: count,
          memoryMb: count,
          diskGb: count,
          environments: count,
          containers: count,
        },
      },
    },
  },
  ApprovalRequest: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'environmentId',
      'environment',
      'owner',
      'requestedBy',
      'status',
      'quotaReason',
      'decidedBy',
      'reason',
      'size',
      'cpuCores',
      'memoryMb',
      'diskGb',
      'createdAt',
      'decidedAt',
    ],
    properties: {
      id: { type: 'string' },
      environmentId: { type: 'string' },
      environment: { type: 'string', description: "The environment's name." },
      owner: { type: 'string' },
      requestedBy: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
      quotaReason: { type: 'string' },
      decidedBy: { type: ['string', 'null'] },
      reason: { type: ['string', 'null'] },
      size: { type: 'string' },
      cpuCores: { type: 'integer' },
      memoryMb: { type: 'integer' },
      diskGb: { type: 'integer' },
      createdAt: { type: 'string' },
      decidedAt: { type: ['string', 'null'] },
    },
  },
} as const;

const requestIdParameter = {
  in: 'path',
  name: 'id',
  required: true,
  schema: { type: 'string', maxLength: 64 },
} as const;

const decided = {
  '200': {
    description: 'The request after the decision, and the environment.',
    content: json({
      type: 'object',
      additionalProperties: false,
      required: ['request', 'environment'],
      properties: {
        request: { $ref: '#/components/schemas/ApprovalRequest' },
        environment: { $ref: '#/components/schemas/Environment' },
        operation: { $ref: '#/components/schemas/Operation' },
      },
    }),
  },
  '409': errorResponse('The request was already decided.'),
  ...errorResponses,
  ...notFoundResponse,
} as const;

/** Paths of quotas (`/quotas`) and approvals (`/requests`). */
export const quotaPaths = {
  '/quotas': {
    get: {
      operationId: 'getQuota',
      description:
        "An owner's effective quota and usage. Users may read their own and their groups'; admins anyone's.",
      parameters: [
        {
          in: 'query',
          name: 'owner',
          required: true,
          allowReserved: true,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ],
      responses: {
        '200': {
          description: 'The effective quota and usage.',
          content: json({ $ref: '#/components/schemas/EffectiveQuota' }),
        },
        ...errorResponses,
      },
    },
  },
  '/quotas/over': {
    get: {
      operationId: 'listOverQuota',
      description:
        'Admins: the owners whose usage is over their quota (a quota lowered below what they hold takes nothing away; their growth is refused), with the fields they are over.',
      responses: {
        '200': {
          description: 'The owners over their quota, by owner.',
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
                  required: ['owner', 'quota', 'usage', 'over'],
                  properties: {
                    owner: { type: 'string' },
                    source: { type: 'string' },
                    quota: { $ref: '#/components/schemas/QuotaLimits' },
                    usage: { $ref: '#/components/schemas/QuotaLimits' },
                    over: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          }),
        },
        ...errorResponses,
      },
    },
  },
  '/quotas/default': {
    get: {
      operationId: 'getDefaultQuota',
      description:
        'The default quota (the stored one, else the configured one) that owners without an override get; `usage` is null.',
      responses: {
        '200': {
          description: 'The default quota.',
          content: json({ $ref: '#/components/schemas/EffectiveQuota' }),
        },
        ...errorResponses,
      },
    },
  },
  '/quotas/{entityRef}': {
    put: {
      operationId: 'setQuota',
      description:
        'Admin: set the override of a user or group, or with `default` the default quota. Fields left out keep the current effective value.',
      parameters: [
        {
          in: 'path',
          name: 'entityRef',
          required: true,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      ],
      requestBody: {
        required: true,
        content: json(quotaChange),
      },
      responses: {
        '200': {
          description: 'The effective quota after the change.',
          content: json({ $ref: '#/components/schemas/EffectiveQuota' }),
        },
        ...errorResponses,
      },
    },
  },
  '/requests': {
    get: {
      operationId: 'listRequests',
      description: 'Admin: approval requests, oldest first.',
      parameters: [
        {
          in: 'query',
          name: 'status',
          required: false,
          schema: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
        },
      ],
      responses: {
        '200': {
          description: 'The requests.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: { $ref: '#/components/schemas/ApprovalRequest' },
              },
            },
          }),
        },
        ...errorResponses,
      },
    },
  },
  '/requests/{id}/approve': {
    post: {
      operationId: 'approveRequest',
      description:
        'Admin: approve; the environment is provisioned by the same provision operation a request within quota starts.',
      parameters: [requestIdParameter],
      responses: decided,
    },
  },
  '/requests/{id}/reject': {
    post: {
      operationId: 'rejectRequest',
      description: 'Admin: reject with a reason; the name is free again.',
      parameters: [requestIdParameter],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { reason: { type: 'string', maxLength: 1024 } },
        }),
      },
      responses: decided,
    },
  },
} as const;
