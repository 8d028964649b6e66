import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const finalBackup = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'environmentId',
    'environment',
    'owner',
    'volid',
    'node',
    'vmid',
    'operationId',
    'createdAt',
    'expiresAt',
    'restoredTo',
  ],
  properties: {
    id: { type: 'string' },
    environmentId: { type: 'string' },
    environment: { type: 'string' },
    owner: { type: 'string' },
    volid: { type: 'string' },
    node: { type: 'string' },
    vmid: { type: 'integer' },
    operationId: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    restoredTo: { type: ['string', 'null'] },
  },
} as const;

/** Paths of the final backups concern (admins only). */
export const backupPaths = {
  '/backups': {
    get: {
      operationId: 'listFinalBackups',
      description:
        'Admin: the final backups of deleted environments not pruned yet, newest first, with when retention prunes them.',
      responses: {
        '200': {
          description: 'The final backups.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: finalBackup } },
          }),
        },
        ...errorResponses,
      },
    },
  },
  '/backups/{id}/restore': {
    post: {
      operationId: 'restoreFinalBackup',
      description:
        'Admin: restore a final backup into a new environment `name` (same owner and size) through a `restore` operation: CT, Portainer endpoint and team access, main route, NetBox VM.',
      parameters: [
        {
          in: 'path',
          name: 'id',
          required: true,
          schema: { type: 'string', maxLength: 36 },
        },
      ],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: nameParameter.schema },
        }),
      },
      responses: {
        '202': {
          description: 'Accepted: the new environment and the queued restore.',
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
          description: 'The name is taken.',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
} as const;
