import { DRIFT_KINDS, DRIFT_RESOURCE_KINDS } from '../../types';
import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

/** Schemas of the drift concern (the reconciler's flags). */
export const driftSchemas = {
  DriftFlag: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'kind',
      'resourceKind',
      'resourceId',
      'environmentId',
      'environmentName',
      'detail',
      'firstSeenAt',
      'lastSeenAt',
      'resolvedAt',
    ],
    properties: {
      id: { type: 'integer' },
      kind: { type: 'string', enum: [...DRIFT_KINDS] },
      resourceKind: { type: 'string', enum: [...DRIFT_RESOURCE_KINDS] },
      resourceId: { type: 'string' },
      environmentId: { type: ['string', 'null'] },
      environmentName: { type: ['string', 'null'] },
      detail: { type: 'string' },
      firstSeenAt: { type: 'string', format: 'date-time' },
      lastSeenAt: { type: 'string', format: 'date-time' },
      resolvedAt: { type: ['string', 'null'] },
    },
  },
} as const;

const flagList = {
  '200': {
    description: 'The matching flags, newest first.',
    content: json({
      type: 'object',
      additionalProperties: false,
      required: ['items'],
      properties: {
        items: {
          type: 'array',
          items: { $ref: '#/components/schemas/DriftFlag' },
        },
      },
    }),
  },
} as const;

const stateParameter = {
  in: 'query',
  name: 'state',
  required: false,
  description: '`open` (default), `resolved` or `all`.',
  schema: { type: 'string', enum: ['open', 'resolved', 'all'] },
} as const;

/** Paths of the drift concern. */
export const driftPaths = {
  '/drift': {
    get: {
      operationId: 'listDrift',
      description:
        'Admins: what the reconciler found out of line between the records and Proxmox, Portainer, NetBox and the route folder (open flags by default).',
      parameters: [
        {
          in: 'query',
          name: 'environment',
          required: false,
          description: 'The environment (or resource) name a flag names.',
          schema: { type: 'string', minLength: 1, maxLength: 64 },
        },
        {
          in: 'query',
          name: 'kind',
          required: false,
          schema: { type: 'string', enum: [...DRIFT_KINDS] },
        },
        {
          in: 'query',
          name: 'resourceKind',
          required: false,
          schema: { type: 'string', enum: [...DRIFT_RESOURCE_KINDS] },
        },
        stateParameter,
        {
          in: 'query',
          name: 'limit',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 1000 },
        },
      ],
      responses: { ...flagList, ...errorResponses },
    },
  },
  '/environments/{name}/drift': {
    get: {
      operationId: 'listEnvironmentDrift',
      description:
        "The reconciler's flags on the environment that holds the name (open by default); whoever may read the environment.",
      parameters: [nameParameter, stateParameter],
      responses: { ...flagList, ...errorResponses, ...notFoundResponse },
    },
  },
} as const;
