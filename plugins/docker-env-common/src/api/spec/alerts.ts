import { ALERT_KINDS } from '../../validation/alertRules';
import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const flag = { type: 'boolean' } as const;
const whole = (minimum: number, maximum: number) =>
  ({ type: 'integer', minimum, maximum } as const);

const usageRule = (required: boolean) =>
  ({
    type: 'object',
    additionalProperties: false,
    ...(required
      ? { required: ['enabled', 'thresholdPercent', 'forSeconds'] }
      : {}),
    properties: {
      enabled: flag,
      thresholdPercent: whole(1, 100),
      forSeconds: whole(0, 86_400),
    },
  } as const);

/** The rules document; `required` for answers, every field optional in a change. */
const rules = (required: boolean) =>
  ({
    type: 'object',
    additionalProperties: false,
    ...(required
      ? {
          required: [
            'enabled',
            'exit',
            'crashLoop',
            'unhealthy',
            'cpu',
            'memory',
            'disk',
            'silencedUntil',
          ],
        }
      : {}),
    properties: {
      enabled: flag,
      exit: {
        type: 'object',
        additionalProperties: false,
        ...(required ? { required: ['enabled'] } : {}),
        properties: { enabled: flag },
      },
      crashLoop: {
        type: 'object',
        additionalProperties: false,
        ...(required
          ? { required: ['enabled', 'restarts', 'windowSeconds'] }
          : {}),
        properties: {
          enabled: flag,
          restarts: whole(2, 100),
          // the portal's own defaults may be shorter than what a PUT may set
          windowSeconds: whole(required ? 1 : 10, 86_400),
        },
      },
      unhealthy: {
        type: 'object',
        additionalProperties: false,
        ...(required ? { required: ['enabled'] } : {}),
        properties: { enabled: flag },
      },
      cpu: usageRule(required),
      memory: usageRule(required),
      disk: usageRule(required),
      silencedUntil: {
        type: ['string', 'null'],
        description:
          'ISO 8601 date-time: incidents are recorded but nobody is told until then (at most 30 days ahead); null: not silenced.',
      },
    },
  } as const);

/** Schemas of the alerts concern. */
export const alertSchemas = {
  AlertRules: rules(true),
  AlertRulesAnswer: {
    type: 'object',
    additionalProperties: false,
    required: [
      'environment',
      'rules',
      'defaults',
      'custom',
      'updatedBy',
      'updatedAt',
    ],
    properties: {
      environment: { type: 'string' },
      rules: { $ref: '#/components/schemas/AlertRules' },
      defaults: { $ref: '#/components/schemas/AlertRules' },
      custom: {
        type: 'boolean',
        description:
          "False while the environment follows the portal's defaults.",
      },
      updatedBy: { type: ['string', 'null'] },
      updatedAt: { type: ['string', 'null'] },
    },
  },
  AlertIncident: {
    type: 'object',
    additionalProperties: false,
    required: [
      'id',
      'environment',
      'kind',
      'subject',
      'container',
      'resource',
      'state',
      'details',
      'silenced',
      'count',
      'summary',
      'startedAt',
      'openedAt',
      'lastSeenAt',
      'resolvedAt',
      'resolution',
    ],
    properties: {
      id: { type: 'string' },
      environment: { type: 'string', description: "The environment's name." },
      kind: { type: 'string', enum: [...ALERT_KINDS] },
      subject: {
        type: 'string',
        description: 'The container, or the resource of a usage incident.',
      },
      container: { type: ['string', 'null'] },
      resource: { type: ['string', 'null'] },
      state: { type: 'string', enum: ['open', 'resolved'] },
      details: {
        type: 'object',
        description:
          'exitCode, signal, oomKilled, byHand (exit, crash_loop); restarts, windowSeconds (crash_loop); percent, thresholdPercent, forSeconds (usage).',
      },
      silenced: {
        type: 'boolean',
        description: 'Opened while the rules were silenced: nobody was told.',
      },
      count: {
        type: 'integer',
        description: 'Sightings while it was open (exits, restarts, readings).',
      },
      summary: { type: 'string', description: 'What the notice said.' },
      startedAt: { type: 'string' },
      openedAt: { type: ['string', 'null'] },
      lastSeenAt: { type: 'string' },
      resolvedAt: { type: ['string', 'null'] },
      resolution: { type: ['string', 'null'] },
    },
  },
} as const;

const rulesAnswer = {
  description: "The environment's rules in force, and the portal's defaults.",
  content: json({ $ref: '#/components/schemas/AlertRulesAnswer' }),
} as const;

/** Paths of the alerts concern. */
export const alertPaths = {
  '/alerts': {
    get: {
      operationId: 'listAlerts',
      description:
        "Alert incidents, newest first: open ones (`state=open`, default) or open and resolved within the portal's recent days (`state=recent`). Owners (the owner and the owning group's members) see their environments', admins all.",
      parameters: [
        {
          in: 'query',
          name: 'environment',
          required: false,
          schema: { type: 'string', minLength: 1, maxLength: 64 },
        },
        {
          in: 'query',
          name: 'state',
          required: false,
          schema: { type: 'string', enum: ['open', 'recent'] },
        },
        {
          in: 'query',
          name: 'limit',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: 500 },
        },
      ],
      responses: {
        '200': {
          description: 'The incidents.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['items'],
            properties: {
              items: {
                type: 'array',
                items: { $ref: '#/components/schemas/AlertIncident' },
              },
            },
          }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
  '/environments/{name}/alert-rules': {
    get: {
      operationId: 'getAlertRules',
      description:
        "The environment's alert rules: thresholds, durations, on or off, silence. Its owners and admins.",
      parameters: [nameParameter],
      responses: {
        '200': rulesAnswer,
        ...notFoundResponse,
        ...errorResponses,
      },
    },
    put: {
      operationId: 'putAlertRules',
      description:
        "Changes the environment's alert rules (what a section leaves out keeps its value). Its owners and admins; audited as `environment.alert_rules`.",
      parameters: [nameParameter],
      requestBody: { required: true, content: json(rules(false)) },
      responses: {
        '200': rulesAnswer,
        '409': {
          description: 'The environment ended (deleting, deleted).',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
} as const;
