import http from 'node:http';
import https from 'node:https';
import type { OperationStep, StepContext } from '../../operations';
import { installDocker } from '@docker-env/plugin-docker-env-node';
import { UpstreamApiError } from '@docker-env/plugin-docker-env-node';
import { abortable, fact, poll } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

/**
 * `GET /ping` of the Portainer agent: true on 204 with its `Portainer-Agent` header, false while
 * nothing answers yet (booting); any other answer is an error (something else holds the port, or
 * the agent is broken). The agent's certificate is self-signed and nothing secret is sent, so it
 * is not verified here; Portainer pairs with the agent when it registers the environment.
 */
export function pingAgent(
  url: URL,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      { method: 'GET', rejectUnauthorized: false, signal, timeout: timeoutMs },
      res => {
        res.resume();
        if (res.statusCode === 204 && res.headers['portainer-agent'])
          resolve(true);
        else
          reject(
            new Error(
              `agent: ${url.host} answered /ping with ${res.statusCode}${
                res.headers['portainer-agent'] ? '' : ' (not a Portainer agent)'
              }`,
            ),
          );
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function installOverSsh(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
  ctx: StepContext,
  ip: string,
): Promise<Record<string, unknown>> {
  const source = config.source;
  if (source.kind !== 'osTemplate') return {};
  if (!deps.ssh || !deps.scanHostKey)
    throw new Error(
      'agent: the OS-template path needs SSH (dockerEnv.ssh) to install Docker',
    );
  // first contact: learn the host key once and pin it for every later connection
  const pinned =
    typeof ctx.facts.hostKeySha256 === 'string'
      ? ctx.facts.hostKeySha256
      : await poll(ctx.signal, config.pollIntervalMs, () =>
          deps.scanHostKey!(ip, ctx.signal).catch(() => undefined),
        );
  const session = deps.ssh({ host: ip, hostKeySha256: pinned });
  try {
    await abortable(
      installDocker(
        session,
        {
          distro: source.distro,
          portainerAgent: {
            environmentId: ctx.target.environmentId,
            port: config.agent.port,
            secret: source.agentSecret,
          },
        },
        name => ctx.logger.info(`agent: ${name}`),
      ),
      ctx.signal,
    );
  } finally {
    await session.dispose();
  }
  return { hostKeySha256: pinned };
}

/**
 * `agent`: the guest's Docker and Portainer agent answer. The golden template has both inside; on
 * the OS-template path they are installed over SSH first (host key pinned at first contact).
 */
export function agentStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'agent',
    timeoutMs: config.timeouts.agent,
    async run(ctx) {
      const ip = fact<string>(ctx, 'ip', 'string');
      const learnt = await installOverSsh(deps, config, ctx, ip);
      const url = new URL(
        `${config.agent.scheme}://${ip}:${config.agent.port}/ping`,
      );
      await poll(ctx.signal, config.pollIntervalMs, async () =>
        (await pingAgent(url, ctx.signal, 3000)) ? true : undefined,
      );
      // Docker itself, when reachable without Portainer (through Portainer: its registration
      // checks the agent and the welcome step uses Docker through it)
      const docker = deps.docker({ ip });
      if (docker)
        await poll(ctx.signal, config.pollIntervalMs, () =>
          docker.ping().then(
            () => true,
            (e: unknown) => {
              // not listening yet: try again; an HTTP error answer is a failure
              if (e instanceof UpstreamApiError && e.status === undefined)
                return undefined;
              throw e;
            },
          ),
        );
      return { ...learnt, agentUrl: `tcp://${ip}:${config.agent.port}` };
    },
  };
}
