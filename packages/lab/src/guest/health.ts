import http from 'node:http';
import type { ContainerHttp } from './containerHttp';
import { statusForPath } from './containerHttp';
import type { HealthConfig } from './images';
import type { SimContainer } from './model';

/** Docker's defaults when a HealthConfig leaves a duration at 0 (nanoseconds). */
export const HEALTH_DEFAULTS = {
  Interval: 30_000_000_000,
  Timeout: 30_000_000_000,
  StartPeriod: 0,
  Retries: 3,
};

/** Docker keeps the last five probe results. */
export const HEALTH_LOG_MAX = 5;

/** The effective settings of a health check, durations in milliseconds. */
export function effectiveHealth(h: HealthConfig) {
  return {
    intervalMs: (h.Interval || HEALTH_DEFAULTS.Interval) / 1e6,
    timeoutMs: (h.Timeout || HEALTH_DEFAULTS.Timeout) / 1e6,
    startPeriodMs: (h.StartPeriod || HEALTH_DEFAULTS.StartPeriod) / 1e6,
    retries: h.Retries || HEALTH_DEFAULTS.Retries,
  };
}

/** True when the config disables or lacks a health check. */
export function healthDisabled(h: HealthConfig | undefined): boolean {
  return !h || !h.Test || h.Test.length === 0 || h.Test[0] === 'NONE';
}

const URL_IN_COMMAND = /https?:\/\/([A-Za-z0-9.-]+)(?::(\d+))?(\/[^\s'"]*)?/;

/**
 * Runs one probe of a container's health check, the way the simulated program would answer it:
 * a URL in the command (curl/wget style) is requested from the container's HTTP program (over
 * the network when that port is published); `true`, `false` and `exit N` give their exit code;
 * anything else follows the container's `lab.health.outcome`.
 */
export async function runProbe(
  container: SimContainer,
  program: ContainerHttp | undefined,
  timeoutMs: number,
): Promise<{ exitCode: number; output: string }> {
  const test = container.Config.Healthcheck?.Test ?? [];
  const command =
    test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : test.slice(1).join(' ');
  const url = URL_IN_COMMAND.exec(command);
  if (url) {
    const containerPort = `${url[2] ?? '80'}/tcp`;
    const path = url[3] ?? '/';
    const published = program?.hostPortOf(containerPort);
    if (published) {
      const status = await httpStatus(
        published.ip,
        published.port,
        path,
        timeoutMs,
      );
      return outcomeOf(status, path);
    }
    if (!(containerPort in container.Config.ExposedPorts)) {
      return {
        exitCode: 1,
        output: `curl: (7) Failed to connect to ${url[1]} port ${
          url[2] ?? '80'
        }: Connection refused\n`,
      };
    }
    return outcomeOf(statusForPath(container, path), path);
  }
  const trimmed = command.trim();
  const exit = /^exit\s+(\d+)$/.exec(trimmed);
  if (exit) return { exitCode: Number(exit[1]), output: '' };
  if (trimmed === 'true') return { exitCode: 0, output: '' };
  if (trimmed === 'false') return { exitCode: 1, output: '' };
  return container.lab.behaviour.healthOutcome === 'healthy'
    ? { exitCode: 0, output: '' }
    : { exitCode: 1, output: 'health check failed\n' };
}

function outcomeOf(
  status: number | string,
  path: string,
): { exitCode: number; output: string } {
  if (typeof status === 'string') return { exitCode: 1, output: `${status}\n` };
  if (status >= 200 && status < 400)
    return { exitCode: 0, output: `HTTP ${status} ${path}\n` };
  return {
    exitCode: 22,
    output: `curl: (22) The requested URL returned error: ${status}\n`,
  };
}

function httpStatus(
  ip: string,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<number | string> {
  return new Promise(resolve => {
    const req = http.get(
      { host: ip, port, path, timeout: timeoutMs, agent: false },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('curl: (28) Operation timed out');
    });
    req.on('error', err => resolve(`curl: (7) ${err.message}`));
  });
}
