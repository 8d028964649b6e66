import type {
  AuthService,
  DiscoveryService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { taskFailure } from '../errors';
import {
  DockerEnvApiClient,
  type OperationRecord,
} from '@docker-env/plugin-docker-env-common';
import { examples } from './createEnvironmentAction.examples';
import { provisioningFailureMessage } from './failureMessage';

/**
 * Options of {@link createEnvironmentAction}.
 *
 * @public
 */
export interface CreateEnvironmentActionOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  config: RootConfigService;
  /** How often the operation is read while it runs (default 1000 ms). */
  pollIntervalMs?: number;
  /** Timeout of one HTTP call to the backend (default 15 s). */
  requestTimeoutMs?: number;
  /** How long to follow the operation before giving up (default 15 min). */
  followTimeoutMs?: number;
}

const DONE = new Set(['succeeded', 'failed', 'rolled_back']);

/**
 * `docker-env:environment:create` - requests an environment through the docker-env backend on behalf
 * of the user who started the task, then follows its provisioning operation and writes each step
 * to the task log as it starts and ends. Over quota, it ends with the request awaiting approval.
 *
 * @public
 */
export function createEnvironmentAction(opts: CreateEnvironmentActionOptions) {
  const pollIntervalMs = opts.pollIntervalMs ?? 1000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const followTimeoutMs = opts.followTimeoutMs ?? 15 * 60_000;
  return createTemplateAction({
    id: 'docker-env:environment:create',
    description:
      'Requests a Docker environment (Proxmox LXC with Docker and a Portainer agent, Traefik route, NetBox record) and follows its provisioning step by step.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .describe('Project name: the environment is <name>.<base domain>'),
        owner: z =>
          z.string().describe('Owner entity ref: you or one of your groups'),
        size: z =>
          z
            .enum(['S', 'M', 'L', 'custom'])
            .default('S')
            .describe(
              'Size preset, or custom with cpuCores, memoryMb and diskGb',
            ),
        cpuCores: z =>
          z.number().int().optional().describe('CPU cores (custom size)'),
        memoryMb: z =>
          z.number().int().optional().describe('Memory in MiB (custom size)'),
        diskGb: z =>
          z.number().int().optional().describe('Disk in GiB (custom size)'),
        purpose: z =>
          z.string().optional().describe('What the environment is for'),
        expiresOn: z =>
          z
            .string()
            .optional()
            .describe('Optional expiry date, YYYY-MM-DD, not in the past'),
      },
      output: {
        status: z =>
          z
            .enum(['ready', 'pending_approval'])
            .describe('ready, or pending_approval when over quota'),
        url: z =>
          z.string().optional().describe('The environment URL once ready'),
        portainerUrl: z =>
          z.string().optional().describe('The Portainer link once ready'),
        entityRef: z =>
          z.string().describe('The catalog entity of the environment'),
      },
    },
    async handler(ctx) {
      try {
        const { input } = ctx;
        const size =
          input.size === 'custom'
            ? {
                cpuCores: input.cpuCores,
                memoryMb: input.memoryMb,
                diskGb: input.diskGb,
              }
            : { size: input.size };
        if (
          input.size === 'custom' &&
          !(input.cpuCores && input.memoryMb && input.diskGb)
        ) {
          throw new InputError(
            'size: custom needs cpuCores, memoryMb and diskGb',
          );
        }
        // on behalf of the user who started the task, so ownership, permissions and audit see the requester
        const credentials = await ctx.getInitiatorCredentials();
        const api = new DockerEnvApiClient({
          discoveryApi: opts.discovery,
          getToken: async () =>
            (
              await opts.auth.getPluginRequestToken({
                onBehalfOf: credentials,
                targetPluginId: 'docker-env',
              })
            ).token,
          timeoutMs: requestTimeoutMs,
          maxResponseBytes: 1024 * 1024,
        });
        const entityRef = `resource:default/${input.name}`;

        if (ctx.isDryRun) {
          const check = await api.checkName(input.name);
          if (!check.available) {
            throw new InputError(`name: ${check.message ?? 'not available'}`);
          }
          ctx.logger.info(
            `Dry run: ${input.name} is available; nothing was created`,
          );
          ctx.output('status', 'ready');
          ctx.output('url', predictedUrl(opts.config, input.name));
          ctx.output('entityRef', entityRef);
          return;
        }

        const created = await ctx.checkpoint({
          key: `docker-env:create:${ctx.task.id}:${input.name}`,
          fn: async () => {
            const answer = await api.createEnvironment(
              {
                name: input.name,
                owner: input.owner,
                ...size,
                purpose: input.purpose,
                expiresOn: input.expiresOn || undefined,
              },
              { idempotencyKey: ctx.task.id },
            );
            return {
              operationId: answer.operation?.id ?? null,
              requestId: answer.request?.id ?? null,
            };
          },
        });
        ctx.output('entityRef', entityRef);

        if (!created.operationId) {
          ctx.logger.info(
            `${input.name} is over the owner's quota: the request awaits an administrator's approval; you will be notified either way`,
          );
          ctx.output('status', 'pending_approval');
          return;
        }

        const op = await follow(api, input.name, created.operationId, {
          pollIntervalMs,
          followTimeoutMs,
          log: line => ctx.logger.info(line),
          signal: ctx.signal,
        });
        if (op.status !== 'succeeded') {
          throw new Error(provisioningFailureMessage(input.name, op));
        }
        const env = await api.getEnvironment(input.name);
        ctx.logger.info(`${input.name} is ready at ${env.url}`);
        ctx.output('status', 'ready');
        if (env.url) ctx.output('url', env.url);
        if (env.portainerUrl) ctx.output('portainerUrl', env.portainerUrl);
      } catch (error) {
        // one readable line in the task log, never a stack trace
        throw taskFailure(error);
      }
    },
  });
}

/** Follows one operation until it ends, logging each step as it starts and ends. */
async function follow(
  api: DockerEnvApiClient,
  name: string,
  operationId: string,
  o: {
    pollIntervalMs: number;
    followTimeoutMs: number;
    log: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<OperationRecord> {
  const seen = new Map<number, string>();
  const deadline = Date.now() + o.followTimeoutMs;
  for (;;) {
    const op = (await api.listOperations(name)).find(x => x.id === operationId);
    if (!op) throw new Error(`Operation ${operationId} of ${name} is gone`);
    for (const step of op.steps) {
      if (seen.get(step.position) !== step.status) {
        // a step that started and ended between two reads still gets its start line
        if (
          !seen.has(step.position) &&
          step.status !== 'running' &&
          step.startedAt
        ) {
          o.log(`step ${step.name}: started`);
        }
        seen.set(step.position, step.status);
        const line = stepLine(step);
        if (line) o.log(line);
      }
    }
    if (DONE.has(op.status)) return op;
    if (o.signal?.aborted) throw new Error('The task was cancelled');
    if (Date.now() > deadline) {
      throw new Error(
        `Provisioning ${name} did not end within ${Math.round(
          o.followTimeoutMs / 1000,
        )} s; it goes on in the backend: see the environment's activity`,
      );
    }
    await new Promise(r => setTimeout(r, o.pollIntervalMs));
  }
}

function stepLine(step: OperationRecord['steps'][number]): string | undefined {
  const took =
    step.startedAt && step.endedAt
      ? ` in ${(
          (Date.parse(step.endedAt) - Date.parse(step.startedAt)) /
          1000
        ).toFixed(1)} s`
      : '';
  switch (step.status) {
    case 'running':
      return `step ${step.name}: started`;
    case 'succeeded':
      return `step ${step.name}: done${took}`;
    case 'failed':
      return `step ${step.name}: failed${took}: ${
        step.error ?? 'no reason given'
      }`;
    case 'undoing':
      return `step ${step.name}: undoing`;
    case 'undone':
      return `step ${step.name}: undone`;
    default:
      return undefined;
  }
}

function predictedUrl(config: RootConfigService, name: string): string {
  const domain = config.getOptionalString('dockerEnv.traefik.baseDomain');
  if (!domain) return '';
  const scheme =
    config.getOptionalBoolean('dockerEnv.traefik.tls') === false
      ? 'http'
      : 'https';
  const port = config.getOptionalNumber('dockerEnv.provisioning.publicPort');
  return `${scheme}://${name}.${domain}${port ? `:${port}` : ''}`;
}
