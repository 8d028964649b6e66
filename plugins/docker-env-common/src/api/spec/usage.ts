import {
  errorResponses,
  json,
  nameParameter,
  notFoundResponse,
} from './components';

const number = { type: 'number' } as const;

/** One point of a series: Proxmox's rrd AVERAGE; a metric it does not know for that time is left out. */
const usagePoint = {
  type: 'object',
  additionalProperties: false,
  required: ['time'],
  properties: {
    time: {
      type: 'integer',
      description: 'Start of the interval, epoch seconds.',
    },
    cpu: {
      ...number,
      description: 'Fraction of limits.cpuCores in use (0-1).',
    },
    mem: { ...number, description: 'Bytes.' },
    disk: { ...number, description: 'Bytes used on the root disk.' },
    netin: { ...number, description: 'Bytes per second.' },
    netout: { ...number, description: 'Bytes per second.' },
  },
} as const;

/** Paths of the usage concern. */
export const usagePaths = {
  '/environments/{name}/usage': {
    get: {
      operationId: 'getEnvironmentUsage',
      description:
        "CPU, memory, disk and network of the environment's CT over `range` (Proxmox rrddata, one point per step: 60 s, 30 min, 3 h, 12 h), its limits and current values, and per container CPU, memory and restarts (Docker stats, one-shot). Answers within a few seconds of each other share one read.",
      parameters: [
        nameParameter,
        {
          in: 'query',
          name: 'range',
          required: false,
          schema: { type: 'string', enum: ['hour', 'day', 'week', 'month'] },
        },
      ],
      responses: {
        '200': {
          description: 'The usage.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: [
              'range',
              'stepSeconds',
              'units',
              'limits',
              'current',
              'series',
              'containers',
              'readAt',
              'paused',
            ],
            properties: {
              range: { type: 'string', enum: ['hour', 'day', 'week', 'month'] },
              stepSeconds: { type: 'integer' },
              units: {
                type: 'object',
                additionalProperties: { type: 'string' },
              },
              limits: {
                type: 'object',
                additionalProperties: false,
                required: ['cpuCores', 'memoryBytes', 'diskBytes'],
                properties: {
                  cpuCores: number,
                  memoryBytes: number,
                  diskBytes: number,
                },
              },
              current: {
                type: 'object',
                additionalProperties: false,
                required: [
                  'status',
                  'cpu',
                  'mem',
                  'disk',
                  'netin',
                  'netout',
                  'uptime',
                ],
                properties: {
                  status: { type: 'string' },
                  cpu: number,
                  mem: number,
                  disk: number,
                  netin: { ...number, description: 'Bytes since start.' },
                  netout: { ...number, description: 'Bytes since start.' },
                  uptime: { ...number, description: 'Seconds.' },
                },
              },
              series: { type: 'array', items: usagePoint },
              containers: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: [
                    'name',
                    'state',
                    'cpuPercent',
                    'memoryBytes',
                    'restartCount',
                  ],
                  properties: {
                    name: { type: 'string' },
                    state: { type: 'string' },
                    cpuPercent: {
                      type: ['number', 'null'],
                      description:
                        'Percent of one core; null when not running.',
                    },
                    memoryBytes: { type: ['number', 'null'] },
                    restartCount: { type: 'integer' },
                  },
                },
              },
              containersError: { type: 'string' },
              readAt: { type: 'string' },
              paused: {
                type: 'boolean',
                description:
                  'The environment is paused: its CT is stopped, no new points.',
              },
            },
          }),
        },
        '409': {
          description: 'The environment has no CT to read yet (or any more).',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        '503': {
          description: 'Proxmox could not be read.',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...notFoundResponse,
        ...errorResponses,
      },
    },
  },
} as const;
