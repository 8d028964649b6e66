import { InputError } from '@backstage/errors';
import {
  assertEnvKey,
  assertEnvValue,
  assertImageRef,
  assertLabelKey,
  assertLabelValue,
} from '@docker-env/plugin-docker-env-node';
import { assertPort } from '@docker-env/plugin-docker-env-node';
import { fail, requireString } from '@docker-env/plugin-docker-env-node';
import type { RolloutSpec } from './types';

/** Labels of ours that a request may not set (the rollout sets them). */
export const RESERVED_LABEL_PREFIX = 'io.docker-env.';

/**
 * Suffix of the container a rollout starts next to the running one.
 *
 * @public
 */
export const NEW_SUFFIX = '-new';

const CONTAINER = /^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$/;
const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;
const MAX_ENTRIES = 100;

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(field, 'must be an object of string values');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENTRIES)
    fail(field, `must have at most ${MAX_ENTRIES} entries`);
  return value as Record<string, unknown>;
}

/**
 * Checks a deployment request field by field (InputError naming the field and the rule) and returns the spec.
 * The container name is a DNS label of at most 48 characters that does not end in `-new` (the rollout's own suffix).
 *
 * @public
 */
export function assertRolloutSpec(input: unknown): RolloutSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new InputError('body: must be a JSON object');
  const v = input as Record<string, unknown>;
  const container = requireString(v.container, 'container', 48);
  if (!CONTAINER.test(container) || container.endsWith(NEW_SUFFIX))
    fail(
      'container',
      `must be 1-48 lowercase letters, digits or "-", start and end with a letter or digit, and not end in "${NEW_SUFFIX}"`,
    );
  if (container === 'docker-env-welcome')
    fail('container', 'docker-env-welcome is the welcome container');
  const healthPath =
    v.healthPath === undefined
      ? undefined
      : requireString(v.healthPath, 'healthPath', 200);
  if (healthPath !== undefined && !HEALTH_PATH.test(healthPath))
    fail('healthPath', 'must be a URL path starting with "/"');
  const env: Record<string, string> = {};
  for (const [k, val] of Object.entries(record(v.env, 'env')))
    env[assertEnvKey(k, `env.${k}`)] = assertEnvValue(val, `env.${k}`);
  const labels: Record<string, string> = {};
  for (const [k, val] of Object.entries(record(v.labels, 'labels'))) {
    if (k.startsWith(RESERVED_LABEL_PREFIX))
      fail(
        `labels.${k}`,
        `labels starting with ${RESERVED_LABEL_PREFIX} are set by the portal`,
      );
    labels[assertLabelKey(k, `labels.${k}`)] = assertLabelValue(
      val,
      `labels.${k}`,
    );
  }
  if (v.primary !== undefined && typeof v.primary !== 'boolean')
    fail('primary', 'must be true or false');
  let registryAuth: RolloutSpec['registryAuth'];
  if (v.registryAuth !== undefined) {
    const a = record(v.registryAuth, 'registryAuth');
    registryAuth = {
      username: requireString(a.username, 'registryAuth.username', 256),
      password: requireString(a.password, 'registryAuth.password', 4096),
      ...(a.serveraddress === undefined
        ? {}
        : {
            serveraddress: requireString(
              a.serveraddress,
              'registryAuth.serveraddress',
              256,
            ),
          }),
    };
  }
  let command: string[] | undefined;
  if (v.command !== undefined) {
    if (
      !Array.isArray(v.command) ||
      v.command.length === 0 ||
      v.command.length > 64 ||
      v.command.some(a => typeof a !== 'string' || a.includes('\0'))
    )
      fail('command', 'must be a list of 1-64 strings without NUL characters');
    command = v.command as string[];
  }
  return {
    deploymentId: requireString(v.deploymentId, 'deploymentId', 64),
    image: assertImageRef(v.image, 'image'),
    container,
    port: assertPort(v.port, 'port'),
    ...(healthPath === undefined ? {} : { healthPath }),
    env,
    labels,
    ...(registryAuth ? { registryAuth } : {}),
    ...(v.primary === undefined ? {} : { primary: v.primary as boolean }),
    ...(command ? { command } : {}),
  };
}
