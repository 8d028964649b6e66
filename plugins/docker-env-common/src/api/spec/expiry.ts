import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

/** The `PATCH /environments/{name}` operation (extend `expiresOn`), merged into the environment's path by `openapi.ts`. */
export const extendEnvironmentOperation = {
  operationId: 'extendEnvironment',
  description:
    "Extend the environment: a later `expiresOn`, at most the admin's maximum number of days from today. Audited.",
  parameters: [nameParameter],
  requestBody: {
    required: true,
    content: json({
      type: 'object',
      required: ['expiresOn'],
      properties: { expiresOn: { type: 'string' } },
    }),
  },
  responses: {
    '200': {
      description: 'The extended environment.',
      content: json({ $ref: '#/components/schemas/Environment' }),
    },
    '409': {
      description: 'The environment ended (deleting, deleted, failed).',
      content: json({ $ref: '#/components/schemas/Error' }),
    },
    ...notFoundResponse,
    ...errorResponses,
  },
} as const;
