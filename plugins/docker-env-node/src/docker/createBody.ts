import { InputError } from '@backstage/errors';
import { assertInteger, assertPort } from '../validation';
import {
  assertContainerName,
  assertEnvKey,
  assertEnvValue,
  assertImageRef,
  assertLabelKey,
  assertLabelValue,
} from './dockerValues';
import type { CreateContainerInput } from './types';

function nsFromMs(ms: number | undefined, field: string): number | undefined {
  if (ms === undefined) return undefined;
  if (
    typeof ms !== 'number' ||
    !Number.isFinite(ms) ||
    ms < 1 ||
    ms > 24 * 3600 * 1000
  ) {
    throw new InputError(`${field}: must be a duration between 1 ms and 24 h`);
  }
  return Math.round(ms * 1e6);
}

function assertCpus(v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0.01 || v > 512)
    throw new InputError('cpus: must be a number between 0.01 and 512');
  return v;
}

function assertNetworkMode(v: string): string {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(v))
    throw new InputError('networkMode: must be bridge, host or a network name');
  return v;
}

function assertArgv(list: string[], field: string): string[] {
  if (
    !Array.isArray(list) ||
    list.some(a => typeof a !== 'string' || a.includes('\0'))
  ) {
    throw new InputError(
      `${field}: must be a list of strings without NUL characters`,
    );
  }
  return list;
}

/** Validates a container spec and builds the name and body of `POST /containers/create`. */
export function buildCreateContainerBody(input: CreateContainerInput): {
  name: string;
  body: Record<string, unknown>;
} {
  const name = assertContainerName(input.name, 'name');
  const image = assertImageRef(input.image, 'image');
  const env = Object.entries(input.env ?? {}).map(
    ([k, v]) =>
      `${assertEnvKey(k, `env.${k}`)}=${assertEnvValue(v, `env.${k}`)}`,
  );
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.labels ?? {}))
    labels[assertLabelKey(k, `labels.${k}`)] = assertLabelValue(
      v,
      `labels.${k}`,
    );
  const exposed: Record<string, object> = {};
  const bindings: Record<
    string,
    Array<{ HostIp: string; HostPort: string }>
  > = {};
  for (const [i, p] of (input.ports ?? []).entries()) {
    const key = `${assertPort(p.containerPort, `ports[${i}].containerPort`)}/${
      p.protocol ?? 'tcp'
    }`;
    if (p.protocol && p.protocol !== 'tcp' && p.protocol !== 'udp')
      throw new InputError(`ports[${i}].protocol: must be tcp or udp`);
    exposed[key] = {};
    if (p.hostIp !== undefined && !/^\d{1,3}(\.\d{1,3}){3}$/.test(p.hostIp))
      throw new InputError(`ports[${i}].hostIp: must be an IPv4 address`);
    (bindings[key] ??= []).push({
      HostIp: p.hostIp ?? '',
      HostPort:
        p.hostPort === undefined
          ? ''
          : String(assertPort(p.hostPort, `ports[${i}].hostPort`)),
    });
  }
  const policy = input.restartPolicy ?? 'no';
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(policy)) {
    throw new InputError(
      'restartPolicy: must be one of no, always, unless-stopped, on-failure',
    );
  }
  if (input.maxRetries !== undefined && policy !== 'on-failure')
    throw new InputError('maxRetries: only with restartPolicy on-failure');
  const body: Record<string, unknown> = {
    Image: image,
    Env: env,
    Labels: labels,
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: {
        Name: policy,
        MaximumRetryCount: input.maxRetries ?? 0,
      },
      Memory:
        input.memoryBytes === undefined
          ? 0
          : assertInteger(
              input.memoryBytes,
              'memoryBytes',
              6 * 1024 * 1024,
              2 ** 42,
            ),
      NanoCpus:
        input.cpus === undefined ? 0 : Math.round(assertCpus(input.cpus) * 1e9),
      ...(input.networkMode
        ? { NetworkMode: assertNetworkMode(input.networkMode) }
        : {}),
    },
  };
  if (input.cmd) body.Cmd = assertArgv(input.cmd, 'cmd');
  if (input.entrypoint)
    body.Entrypoint = assertArgv(input.entrypoint, 'entrypoint');
  if (input.healthcheck) {
    const h = input.healthcheck;
    if (
      !Array.isArray(h.test) ||
      h.test.length === 0 ||
      !['CMD', 'CMD-SHELL', 'NONE'].includes(h.test[0])
    ) {
      throw new InputError(
        'healthcheck.test: must start with CMD, CMD-SHELL or NONE',
      );
    }
    assertArgv(h.test, 'healthcheck.test');
    body.Healthcheck = {
      Test: h.test,
      Interval: nsFromMs(h.intervalMs, 'healthcheck.intervalMs'),
      Timeout: nsFromMs(h.timeoutMs, 'healthcheck.timeoutMs'),
      StartPeriod: nsFromMs(h.startPeriodMs, 'healthcheck.startPeriodMs'),
      Retries:
        h.retries === undefined
          ? undefined
          : assertInteger(h.retries, 'healthcheck.retries', 0, 100),
    };
  }
  return { name, body };
}
