import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const idParameter = {
  in: 'path',
  name: 'id',
  required: true,
  schema: { type: 'string', maxLength: 64 },
} as const;

const tokenHeader = {
  in: 'header',
  name: 'X-Deploy-Token',
  required: false,
  schema: { type: 'string', maxLength: 200 },
} as const;

const deployToken = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'environmentId', 'description', 'createdBy', 'createdAt'],
  properties: {
    id: { type: 'string' },
    environmentId: { type: 'string' },
    description: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    expiresAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
    token: { type: 'string', description: 'Only in the answer of POST.' },
  },
} as const;

const operation = json({ $ref: '#/components/schemas/Operation' });

/** Paths of the deployments concern: tokens, deployments and their history. */
export const deploymentPaths = {
  '/environments/{name}/tokens': {
    get: {
      operationId: 'listDeployTokens',
      description: "The environment's deployment tokens with their last use.",
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'The tokens (never the token values).',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: { items: { type: 'array', items: deployToken } },
          }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
    post: {
      operationId: 'createDeployToken',
      description: 'A new deployment token; the token is in this answer only.',
      parameters: [nameParameter],
      requestBody: {
        required: false,
        content: json({
          type: 'object',
          additionalProperties: false,
          properties: {
            description: { type: 'string' },
            expiresOn: { type: ['string', 'null'] },
          },
        }),
      },
      responses: {
        '201': {
          description: 'The token, shown once.',
          content: json({
            ...deployToken,
            required: [...deployToken.required, 'token'],
          }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
  '/environments/{name}/tokens/{id}': {
    delete: {
      operationId: 'revokeDeployToken',
      description: 'Revokes a deployment token.',
      parameters: [nameParameter, idParameter],
      responses: {
        '204': { description: 'Revoked.' },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
  '/environments/{name}/deployments': {
    get: {
      operationId: 'listDeployments',
      description: 'Deployment history, newest first (signed-in users).',
      parameters: [nameParameter],
      responses: {
        '200': {
          description: 'The deployments.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: { $ref: '#/components/schemas/Operation' },
              },
            },
          }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
    post: {
      operationId: 'createDeployment',
      description:
        'Starts a rollout (deployment token in X-Deploy-Token): image, container, port, healthPath, env, labels, primary.',
      parameters: [nameParameter, tokenHeader],
      requestBody: {
        required: true,
        content: json({ type: 'object' }),
      },
      responses: {
        '202': { description: 'Queued: the deployment.', content: operation },
        '409': {
          description:
            'Paused (resume first), over the container quota, or another rollout of the container or a lifecycle operation runs.',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        '429': {
          description:
            'More than 10 deployments of the token owner in the last hour.',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
  '/environments/{name}/deployments/{id}': {
    get: {
      operationId: 'getDeployment',
      description:
        'A deployment: status running|succeeded|rolled_back|failed, steps with timings, the reason (with log lines). Token or user.',
      parameters: [nameParameter, idParameter, tokenHeader],
      responses: {
        '200': { description: 'The deployment.', content: operation },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
} as const;
