import {
  ENVIRONMENT_STATUSES,
  OPERATION_KINDS,
  OPERATION_STATUSES,
  OPERATION_STEP_STATUSES,
} from '../../types';

const nullableString = { type: ['string', 'null'] } as const;
const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'] } as const;

/** Schemas shared by every concern's paths (`#/components/schemas/<name>`). */
export const sharedSchemas = {
  Error: {
    type: 'object',
    description:
      'A Backstage error body; the message names the field and the rule.',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['name', 'message'],
        properties: {
          name: { type: 'string' },
          message: { type: 'string' },
        },
      },
      request: { type: 'object' },
      response: {
        type: 'object',
        properties: { statusCode: { type: 'integer' } },
      },
    },
  },
  Environment: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'name',
      'owner',
      'status',
      'statusReason',
      'size',
      'cpuCores',
      'memoryMb',
      'diskGb',
      'purpose',
      'expiresOn',
      'url',
      'portainerUrl',
      'vmid',
      'node',
      'netboxVmId',
      'portainerEndpointId',
      'createdBy',
      'createdAt',
      'updatedAt',
    ],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      owner: { type: 'string' },
      status: { type: 'string', enum: [...ENVIRONMENT_STATUSES] },
      statusReason: nullableString,
      leftovers: { type: 'array', items: { type: 'string' } },
      size: { type: 'string', enum: ['S', 'M', 'L', 'custom'] },
      cpuCores: { type: 'integer' },
      memoryMb: { type: 'integer' },
      diskGb: { type: 'integer' },
      purpose: { type: 'string' },
      expiresOn: nullableString,
      url: nullableString,
      portainerUrl: nullableString,
      vmid: { type: ['integer', 'null'] },
      node: nullableString,
      netboxVmId: { type: ['integer', 'null'] },
      portainerEndpointId: { type: ['integer', 'null'] },
      createdBy: { type: 'string' },
      createdAt: timestamp,
      updatedAt: timestamp,
    },
  },
  OperationStep: {
    type: 'object',
    additionalProperties: false,
    required: [
      'position',
      'name',
      'status',
      'startedAt',
      'endedAt',
      'facts',
      'error',
    ],
    properties: {
      position: { type: 'integer' },
      name: { type: 'string' },
      status: { type: 'string', enum: [...OPERATION_STEP_STATUSES] },
      startedAt: nullableTimestamp,
      endedAt: nullableTimestamp,
      facts: { type: 'object' },
      error: nullableString,
    },
  },
  Operation: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'environmentId',
      'kind',
      'status',
      'input',
      'result',
      'error',
      'failedStep',
      'requestedBy',
      'createdAt',
      'startedAt',
      'endedAt',
      'attempts',
      'steps',
    ],
    properties: {
      id: { type: 'string' },
      environmentId: { type: 'string' },
      kind: { type: 'string', enum: [...OPERATION_KINDS] },
      status: { type: 'string', enum: [...OPERATION_STATUSES] },
      input: { type: 'object' },
      result: { type: ['object', 'null'] },
      error: nullableString,
      failedStep: nullableString,
      requestedBy: { type: 'string' },
      createdAt: timestamp,
      startedAt: nullableTimestamp,
      endedAt: nullableTimestamp,
      attempts: { type: 'integer' },
      steps: {
        type: 'array',
        items: { $ref: '#/components/schemas/OperationStep' },
      },
    },
  },
} as const;

/** A JSON response or request body with this schema. */
export const json = <const S extends object>(schema: S) =>
  ({ 'application/json': { schema } } as const);

/** A response carrying a Backstage error body. */
export const errorResponse = <D extends string>(description: D) =>
  ({
    description,
    content: json({ $ref: '#/components/schemas/Error' } as const),
  } as const);

/** The error responses every route may answer with. */
export const errorResponses = {
  '400': errorResponse('Bad input: the message names the field and the rule.'),
  '401': errorResponse('Not signed in.'),
  '403': errorResponse('Not allowed.'),
} as const;

/** A 404 answer for routes that address one record. */
export const notFoundResponse = {
  '404': errorResponse('No such record.'),
} as const;

/** The `{name}` path parameter: the environment that holds the name. */
export const nameParameter = {
  in: 'path',
  name: 'name',
  required: true,
  schema: { type: 'string', maxLength: 64 },
} as const;
