import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import {
  ConfigError,
  isLoopbackHost,
} from '@docker-env/plugin-docker-env-node';

/**
 * A value a production start must have: its config key and the variable of `app-config.production.yaml` that sets
 * it. `orElse` names a key that may stand in for it (a Traefik service instead of a paused-page URL, SFTP instead of
 * a local routes folder).
 */
export interface RequiredValue {
  key: string;
  variable: string;
  orElse?: string;
}

/** What a production start refuses to run without. */
export const REQUIRED_IN_PRODUCTION: readonly RequiredValue[] = [
  { key: 'dockerEnv.admins', variable: 'DOCKER_ENV_ADMINS' },
  { key: 'dockerEnv.proxmox.baseUrl', variable: 'PROXMOX_URL' },
  { key: 'dockerEnv.proxmox.tokenId', variable: 'PROXMOX_TOKEN_ID' },
  { key: 'dockerEnv.proxmox.tokenSecret', variable: 'PROXMOX_TOKEN_SECRET' },
  { key: 'dockerEnv.netbox.baseUrl', variable: 'NETBOX_URL' },
  { key: 'dockerEnv.netbox.token', variable: 'NETBOX_TOKEN' },
  { key: 'dockerEnv.portainer.baseUrl', variable: 'PORTAINER_URL' },
  { key: 'dockerEnv.portainer.apiKey', variable: 'PORTAINER_API_KEY' },
  { key: 'dockerEnv.traefik.baseDomain', variable: 'DOCKER_ENV_BASE_DOMAIN' },
  {
    key: 'dockerEnv.traefik.directory',
    variable: 'TRAEFIK_ROUTES_DIR',
    orElse: 'dockerEnv.traefik.sftp',
  },
  {
    key: 'dockerEnv.lifecycle.backupStorage',
    variable: 'DOCKER_ENV_BACKUP_STORAGE',
  },
  {
    key: 'dockerEnv.lifecycle.pausedRoute.url',
    variable: 'DOCKER_ENV_PAUSED_ROUTE_URL',
    orElse: 'dockerEnv.lifecycle.pausedRoute.service',
  },
  {
    key: 'dockerEnv.deployments.tokenSecret',
    variable: 'DOCKER_ENV_DEPLOY_TOKEN_SECRET',
  },
  // without them every environment's agent and ports would be closed to all (or, before, open to all)
  {
    key: 'dockerEnv.provisioning.firewall.sources.portal',
    variable: 'DOCKER_ENV_PORTAL_ADDRESSES',
  },
  {
    key: 'dockerEnv.provisioning.firewall.sources.portainer',
    variable: 'DOCKER_ENV_PORTAINER_ADDRESSES',
  },
  {
    key: 'dockerEnv.provisioning.firewall.sources.traefik',
    variable: 'DOCKER_ENV_TRAEFIK_ADDRESSES',
  },
  {
    key: 'dockerEnv.deployments.secretsKey',
    variable: 'DOCKER_ENV_SECRETS_KEY',
  },
];

// The lab's fixed credentials (packages/lab: proxmox/config.ts, netbox/NetBoxSimulator.ts, portainer/config.ts),
// repeated here because production never loads the lab package; productionConfig.test.ts checks them against
// app-config.embedded.yaml.
const LAB_PROXMOX_TOKEN_SECRET = '5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c';
const LAB_NETBOX_TOKEN =
  'nbt_labk3y0000001.0123456789abcdef0123456789abcdef01234567';
const LAB_PORTAINER_API_KEY = 'ptr_labAdminKey0000000000000000000000000000000';
// the embedded default's own deployment keys (app-config.embedded.yaml), public in this repository
const LAB_DEPLOY_TOKEN_SECRET = 'lab-deploy-token-hmac-key-0123456789abcdef';
const LAB_SECRETS_KEY = 'lab-deployment-secrets-key-0123456789abcdef';
// the lab's private registry and its deploy token (packages/lab: lab/labPortainerUsers.ts)
const LAB_REGISTRY_HOST = 'registry.lab.example';
const LAB_REGISTRY_TOKEN = 'lab-registry-token-team-a';

const underLabData = (v: JsonValue) =>
  typeof v === 'string' && /(^|[/\\])\.lab-data([/\\]|$)/.test(v);

/** A firewall source list (array or comma-separated) of loopback addresses only: the lab components. */
const loopbackSources = (v: JsonValue) => {
  const items = Array.isArray(v) ? v : [];
  const list = (typeof v === 'string' ? v.split(',') : items).map(i =>
    String(i).trim(),
  );
  return list.length > 0 && list.every(i => /^(127\.|::1(\/128)?$)/.test(i));
};

/** Values only the lab sets (app-config.embedded.yaml): each a key, a test of its value and what it is. */
export const LAB_ONLY_VALUES: ReadonlyArray<{
  key: string;
  is: (value: JsonValue) => boolean;
  what: string;
}> = [
  {
    key: 'dockerEnv.proxmox.tokenSecret',
    is: v => v === LAB_PROXMOX_TOKEN_SECRET,
    what: "the lab's token secret",
  },
  {
    key: 'dockerEnv.netbox.token',
    is: v => v === LAB_NETBOX_TOKEN,
    what: "the lab's token",
  },
  {
    key: 'dockerEnv.portainer.apiKey',
    is: v => v === LAB_PORTAINER_API_KEY,
    what: "the lab's API key",
  },
  {
    key: 'dockerEnv.deployments.tokenSecret',
    is: v => v === LAB_DEPLOY_TOKEN_SECRET,
    what: "the lab's token HMAC key",
  },
  {
    key: 'dockerEnv.deployments.secretsKey',
    is: v => v === LAB_SECRETS_KEY,
    what: "the lab's deployment secrets key",
  },
  {
    key: 'dockerEnv.registries',
    is: v =>
      Array.isArray(v) &&
      v.some(
        r =>
          !!r &&
          typeof r === 'object' &&
          !Array.isArray(r) &&
          (String(r.url).split(':')[0] === LAB_REGISTRY_HOST ||
            r.password === LAB_REGISTRY_TOKEN),
      ),
    what: "the lab's private registry or its deploy token",
  },
  {
    key: 'dockerEnv.provisioning.agent.scheme',
    is: v => v === 'http',
    what: "the lab agents' plain http (a real Portainer agent answers https)",
  },
  {
    key: 'dockerEnv.provisioning.publicPort',
    is: v => Number(v) === 18000,
    what: "the lab edge's port 18000",
  },
  {
    key: 'dockerEnv.lifecycle.pausedRoute.url',
    is: v =>
      typeof v === 'string' && /^https?:\/\/127\.0\.0\.1:18001\/?$/.test(v),
    what: "the lab's paused page on 127.0.0.1:18001",
  },
  {
    key: 'dockerEnv.lifecycle.pausedPage.port',
    is: v => Number(v) === 18001,
    what: "the lab's paused-page port 18001",
  },
  {
    key: 'dockerEnv.traefik.baseDomain',
    is: v => typeof v === 'string' && isLoopbackHost(v),
    what: 'a .localhost domain (the lab edge)',
  },
  {
    key: 'dockerEnv.traefik.directory',
    is: underLabData,
    what: 'a folder under .lab-data',
  },
  ...['portal', 'portainer', 'traefik'].map(role => ({
    key: `dockerEnv.provisioning.firewall.sources.${role}`,
    is: loopbackSources,
    what: "the lab components' loopback addresses",
  })),
  {
    key: 'backend.database.connection.directory',
    is: underLabData,
    what: "the lab's SQLite folder under .lab-data",
  },
];

/** Keys holding a host the portal connects to (URLs or bare hosts). */
const TARGET_KEYS = [
  'dockerEnv.proxmox.baseUrl',
  'dockerEnv.netbox.baseUrl',
  'dockerEnv.portainer.baseUrl',
  'dockerEnv.lifecycle.pausedRoute.url',
  'dockerEnv.docker.host',
  'dockerEnv.traefik.sftp.host',
];

function hostOf(value: string): string {
  try {
    return new URL(value).hostname;
  } catch {
    return value;
  }
}

/**
 * Reads a key that may sit below a value of another type: `backend.database.connection` is an object for SQLite
 * and a connection string for PostgreSQL, and `getOptional` throws on a path through a string.
 */
function readOptional(config: Config, key: string): JsonValue | undefined {
  const parts = key.split('.');
  let value: JsonValue | undefined = config.getOptional(parts[0]);
  for (const part of parts.slice(1)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return undefined;
    }
    value = value[part];
  }
  return value;
}

function isMissing(value: JsonValue | undefined): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** Every `<prefix>...allowInsecure: true` below `dockerEnv`. */
function insecureKeys(value: JsonValue | undefined, prefix: string): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'allowInsecure' && v === true
      ? [`${prefix}.${k}`]
      : insecureKeys(v, `${prefix}.${k}`),
  );
}

/**
 * The production start-up guard. When `dockerEnv.lab.enabled` is false (app-config.production.yaml), it refuses to
 * start, with one line naming each problem, when a {@link REQUIRED_IN_PRODUCTION} value is missing, a value is one
 * only the lab sets ({@link LAB_ONLY_VALUES}, any `allowInsecure: true`), or a target is on loopback.
 * `dockerEnv.allowLoopbackTargets: true` (production mode against the lab: tests only) turns the lab values and
 * loopback targets into warnings; missing values still stop it. The embedded default (lab on) is not checked.
 */
export function checkProductionConfig(
  config: Config,
  logger: LoggerService,
): void {
  if (config.getOptionalBoolean('dockerEnv.lab.enabled') !== false) return;
  const missing = REQUIRED_IN_PRODUCTION.filter(
    r =>
      isMissing(readOptional(config, r.key)) &&
      !(r.orElse && config.has(r.orElse)),
  ).map(
    r =>
      `${r.key} is missing (set ${r.variable}${
        r.orElse ? ` or ${r.orElse}` : ''
      })`,
  );
  const lab = [
    ...LAB_ONLY_VALUES.filter(l => {
      const v = readOptional(config, l.key);
      return v !== undefined && l.is(v);
    }).map(l => `${l.key} is ${l.what}`),
    ...insecureKeys(config.getOptional('dockerEnv'), 'dockerEnv').map(
      k => `${k} is true (plain http is for the lab)`,
    ),
    ...TARGET_KEYS.flatMap(key => {
      const v = readOptional(config, key);
      return typeof v === 'string' && isLoopbackHost(hostOf(v))
        ? [`${key} is on loopback (${v})`]
        : [];
    }),
  ];
  const againstLab =
    config.getOptionalBoolean('dockerEnv.allowLoopbackTargets') === true;
  if (againstLab) {
    for (const line of lab) {
      logger.warn(
        `dockerEnv.allowLoopbackTargets is true (production mode against the lab, never a real installation): ${line}`,
      );
    }
  }
  const problems = [...missing, ...(againstLab ? [] : lab)];
  if (problems.length === 0) return;
  throw new ConfigError(
    [
      `docker-env refuses to start: dockerEnv.lab.enabled is false (production) and ${problems.length} value(s) are wrong:`,
      ...problems.map(p => `  - ${p}`),
    ].join('\n'),
  );
}
