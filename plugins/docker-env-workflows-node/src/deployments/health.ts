import type { DockerApi } from '@docker-env/plugin-docker-env-node';
import { readContainerLogs } from '../lifecycle/containers';
import type { OperationStep, StepContext } from '../operations';
import { abortable, fact, pause } from '../provisioning/facts';
import { dockerOf } from './containers';
import { NEW_SUFFIX } from './spec';
import type { RolloutConfig, RolloutDeps, RolloutSpec } from './types';

/** The most characters of log output a rollback reason carries. */
const MAX_LOG_CHARS = 4000;

/**
 * The new container failed its health check: the rollout rolls back. The message carries the reason and the
 * container's last log lines (environment values redacted), since the container is removed by the rollback.
 *
 * @public
 */
export class RolloutHealthError extends Error {
  readonly reason: string;
  readonly logTail: string;

  constructor(container: string, reason: string, logTail: string) {
    super(
      `${container} failed its health check: ${reason}${
        logTail ? `\nlast log lines of ${container}:\n${logTail}` : ''
      }`,
    );
    this.name = 'RolloutHealthError';
    this.reason = reason;
    this.logTail = logTail;
  }
}

async function lastLogLines(
  docker: DockerApi,
  container: string,
  lines: number,
): Promise<string> {
  if (lines === 0) return '';
  try {
    const logs = await readContainerLogs(docker, container, { tail: lines });
    const text = [logs.stdout, logs.stderr].filter(Boolean).join('\n').trim();
    return text.length > MAX_LOG_CHARS ? text.slice(-MAX_LOG_CHARS) : text;
  } catch (e) {
    return `(logs unavailable: ${(e as Error).message})`;
  }
}

/** One HTTP health request: healthy on 2xx and 3xx; the reason otherwise. */
async function httpCheck(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 400
      ? undefined
      : `GET ${url} answered ${res.status}`;
  } catch (e) {
    signal.throwIfAborted();
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return `GET ${url} failed: ${cause ?? (e as Error).message}`;
  }
}

/** One check; undefined when healthy, the reason otherwise; `final` when waiting longer cannot help. */
async function checkOnce(
  docker: DockerApi,
  ctx: StepContext,
  name: string,
  url: string,
  config: RolloutConfig,
): Promise<{ reason?: string; final?: boolean; via: 'docker' | 'http' }> {
  const d = await abortable(docker.inspect(name), ctx.signal);
  const via = d.health ? 'docker' : 'http';
  if (!d.state.running && !['created', 'restarting'].includes(d.state.status))
    return {
      via,
      final: true,
      reason: `the container is ${d.state.status} (exit code ${d.state.exitCode})`,
    };
  if (d.health) {
    if (d.health.status === 'healthy') return { via };
    const output = d.health.log.at(-1)?.output?.trim();
    return {
      via,
      final: d.health.status === 'unhealthy',
      reason: `its HEALTHCHECK reports ${d.health.status}${
        output ? ` (${output})` : ''
      }`,
    };
  }
  return {
    via,
    reason: await httpCheck(url, config.healthRequestTimeoutMs, ctx.signal),
  };
}

/** Pause between the quick re-checks of the first try. */
const QUICK_RECHECK_MS = 100;

/**
 * `health`: the image's HEALTHCHECK when it has one (Docker's own status), an HTTP GET of the health path on the
 * new container's host port otherwise; `healthTries` tries `healthIntervalMs` apart. The first try re-checks every
 * 100 ms until its interval ends, so a container that is still starting (connection refused, HEALTHCHECK
 * `starting`) is seen healthy as soon as it is, not an interval later. A failure ends the rollout with a
 * {@link RolloutHealthError} (the runner's undo removes the new container; the old one keeps serving).
 */
export function healthStep(
  deps: RolloutDeps,
  config: RolloutConfig,
  spec: RolloutSpec,
): OperationStep {
  const name = `${spec.container}${NEW_SUFFIX}`;
  return {
    name: 'health',
    timeoutMs:
      config.healthTries *
        (config.healthIntervalMs + config.healthRequestTimeoutMs) +
      config.stepTimeoutMs,
    async run(ctx) {
      const docker = dockerOf(deps, ctx);
      const ip = fact<string>(ctx, 'ip', 'string');
      const port = fact<number>(ctx, 'newHostPort', 'number');
      const url = `http://${ip}:${port}${spec.healthPath ?? '/'}`;
      const firstTryEnds = Date.now() + config.healthIntervalMs;
      let last: Awaited<ReturnType<typeof checkOnce>> | undefined;
      for (let tryNo = 1, checks = 1; ; checks++) {
        last = await checkOnce(docker, ctx, name, url, config);
        if (!last.reason)
          return { healthCheck: last.via, healthChecks: checks };
        if (last.final) break;
        let wait = config.healthIntervalMs;
        if (tryNo === 1 && Date.now() + QUICK_RECHECK_MS < firstTryEnds)
          wait = QUICK_RECHECK_MS;
        else if (++tryNo > config.healthTries) break;
        // the second try keeps the first's slot: one interval after the first check
        else if (tryNo === 2) wait = Math.max(0, firstTryEnds - Date.now());
        await pause(wait, ctx.signal);
      }
      const reason = last.final
        ? last.reason!
        : `not healthy after ${config.healthTries} checks ${config.healthIntervalMs} ms apart (${last.reason})`;
      throw new RolloutHealthError(
        name,
        reason,
        await abortable(
          lastLogLines(docker, name, config.failureLogLines),
          ctx.signal,
        ),
      );
    },
  };
}
