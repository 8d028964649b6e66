/*
 * The merged production values: app-config files loaded by Backstage's config loader with the arguments of the
 * Dockerfile's command and the example variables of examples/production.env, then walked for anything the lab file
 * (app-config.embedded.yaml) sets, and handed to the start-up guard.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import type { JsonObject, JsonValue } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import { checkInfrastructureConfig } from '../operations';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import {
  checkProductionConfig,
  LAB_ONLY_VALUES,
  REQUIRED_IN_PRODUCTION,
} from './productionGuard';

const ROOT = path.resolve(__dirname, '../../../..');
const LAB_FILE = 'app-config.embedded.yaml';
/** The subtrees walked: what the docker-env plugin, the backend and sign-in read. */
const PREFIXES = ['dockerEnv', 'backend', 'auth.providers'];

/** The `--config` arguments of packages/backend/Dockerfile's CMD (the image's /app is the repository root). */
function dockerfileArgs(): string[] {
  const dockerfile = fs.readFileSync(
    path.join(ROOT, 'packages/backend/Dockerfile'),
    'utf8',
  );
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
  if (!cmd) throw new Error('packages/backend/Dockerfile has no CMD [...]');
  const [node, entry, ...args] = JSON.parse(cmd[1]) as string[];
  expect([node, entry]).toEqual(['node', 'packages/backend']);
  return args.map(a => (a.endsWith('.yaml') ? path.join(ROOT, a) : a));
}

/** examples/production.env as a map. */
function exampleEnv(): Record<string, string> {
  return Object.fromEntries(
    fs
      .readFileSync(path.join(ROOT, 'examples/production.env'), 'utf8')
      .split('\n')
      .map(line => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(m => [m[1], m[2]]),
  );
}

/** Loads config as the backend does (ConfigSources.default over argv), `${VAR}` from `env` alone. */
async function load(argv: string[], env: Record<string, string>) {
  const source = ConfigSources.default({
    rootDir: ROOT,
    argv,
    env: {},
    substitutionFunc: async name => env[name]?.trim(),
  });
  for await (const { configs } of source.readConfigData()) {
    return {
      files: configs.map(c => path.relative(ROOT, c.context)),
      config: ConfigReader.fromConfigs(configs),
    };
  }
  throw new Error('the config source gave nothing');
}

/** Every leaf under `prefix` as dotted key => value (arrays are leaves). */
function leaves(
  value: JsonValue | undefined,
  prefix: string,
): Map<string, JsonValue> {
  const out = new Map<string, JsonValue>();
  const walk = (v: JsonValue | undefined, key: string) => {
    if (v === undefined) return;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) walk(child, `${key}.${k}`);
    } else out.set(key, v);
  };
  walk(value, prefix);
  return out;
}

function leavesOf(config: ConfigReader): Map<string, JsonValue> {
  return new Map(PREFIXES.flatMap(p => [...leaves(config.getOptional(p), p)]));
}

/** What in the merged production config comes from, or equals, the lab file: one line each. */
async function labValuesInProduction(env: Record<string, string>) {
  const { files, config } = await load(dockerfileArgs(), env);
  const lab = await load(['--config', path.join(ROOT, LAB_FILE)], {});
  const labLeaves = leavesOf(lab.config);
  // strings and lists: a number or a boolean of the lab (1, true) may well be a production value under another key
  const labValues = new Set(
    [...labLeaves.values()]
      .filter(v => typeof v === 'string' || Array.isArray(v))
      .map(v => JSON.stringify(v)),
  );
  const found = files.filter(f => f === LAB_FILE).map(f => `loads ${f}`);
  for (const [key, value] of leavesOf(config)) {
    const same = labLeaves.has(key)
      ? JSON.stringify(labLeaves.get(key)) === JSON.stringify(value)
      : false;
    if (same) found.push(`${key} = ${JSON.stringify(value)}, the lab's value`);
    else if (labValues.has(JSON.stringify(value)))
      found.push(`${key} = ${JSON.stringify(value)}, a value of the lab file`);
    const known = LAB_ONLY_VALUES.find(l => l.key === key && l.is(value));
    if (known) found.push(`${key} is ${known.what}`);
    if (key.endsWith('.allowInsecure') && value === true)
      found.push(`${key} is true`);
  }
  return { found, config };
}

const logger = () => mockServices.logger.mock();

describe('production config (the Dockerfile command: app-config.yaml + app-config.production.yaml)', () => {
  it('holds no value of the lab file, and the start-up guard lets it start', async () => {
    const { found, config } = await labValuesInProduction(exampleEnv());
    expect(found).toEqual([]);
    expect(config.getOptionalBoolean('dockerEnv.lab.enabled')).toBe(false);
    expect(() => checkProductionConfig(config, logger())).not.toThrow();
    // and every infrastructure section reads (clients, provisioning, lifecycle), as the plugin's next check does
    expect(() => checkInfrastructureConfig(config)).not.toThrow();
  });

  it('reads a PostgreSQL connection string as well as a connection object', async () => {
    const { config } = await labValuesInProduction(exampleEnv());
    const withString = ConfigReader.fromConfigs([
      { context: 'production', data: config.get<JsonObject>() },
      {
        context: 'test',
        data: {
          backend: {
            database: { connection: 'postgresql://portal@db.example.com' },
          },
        },
      },
    ]);
    expect(() => checkProductionConfig(withString, logger())).not.toThrow();
  });

  it('leaves external access off and signs in with GitLab only', async () => {
    const { config } = await load(dockerfileArgs(), exampleEnv());
    expect(config.getOptional('backend.auth.externalAccess')).toBeUndefined();
    expect(config.getConfig('auth.providers').keys()).toEqual(['gitlab']);
  });

  it('has the production values the issue names: port 443 left out of URLs, listen host, paused page', async () => {
    const { config } = await load(dockerfileArgs(), exampleEnv());
    expect(config.getNumber('dockerEnv.provisioning.publicPort')).toBe(443);
    expect(config.getString('backend.listen.host')).toBe('0.0.0.0');
    expect(config.getNumber('dockerEnv.lifecycle.pausedPage.port')).toBe(7008);
    expect(config.getStringArray('dockerEnv.admins')).toEqual([
      'group:default/portal-admins',
    ]);
  });

  it.each(REQUIRED_IN_PRODUCTION.map(r => [r.variable, r.key]))(
    'unset %s: the guard refuses to start, naming %s',
    async (variable, key) => {
      const { [variable]: _unset, ...env } = exampleEnv();
      const { config } = await load(dockerfileArgs(), env);
      let message = '';
      try {
        checkProductionConfig(config, logger());
      } catch (e) {
        message = String(e);
      }
      expect(message).toContain(`ConfigError: docker-env refuses to start`);
      expect(message).toContain(`  - ${key} is missing (set ${variable}`);
      // one line per problem: this one only
      expect(
        message.split('\n').filter(l => l.startsWith('  - ')),
      ).toHaveLength(1);
    },
  );

  it('the plugin itself does not start on it', async () => {
    const { DOCKER_ENV_DEPLOY_TOKEN_SECRET: _unset, ...env } = exampleEnv();
    const { config } = await load(dockerfileArgs(), env);
    const started = startDockerEnvTestBackend({
      config: { dockerEnv: config.get<JsonObject>('dockerEnv') },
    });
    await expect(started).rejects.toThrow(
      'dockerEnv.deployments.tokenSecret is missing (set DOCKER_ENV_DEPLOY_TOKEN_SECRET)',
    );
  });
});

describe('the guard against the lab file (app-config.yaml + app-config.embedded.yaml, lab turned off)', () => {
  /** The embedded default with the lab off and the values it lacks for production. */
  async function embeddedAsProduction(extra: JsonObject) {
    const { config } = await load(
      ['app-config.yaml', LAB_FILE].flatMap(f => [
        '--config',
        path.join(ROOT, f),
      ]),
      {},
    );
    return ConfigReader.fromConfigs([
      { context: 'embedded', data: config.get<JsonObject>() },
      {
        context: 'test',
        data: {
          dockerEnv: {
            lab: { enabled: false },
            ...extra,
          },
        },
      },
    ]);
  }

  it('refuses each lab-only value, allowInsecure and loopback target, one line each', async () => {
    const config = await embeddedAsProduction({});
    let message = '';
    try {
      checkProductionConfig(config, logger());
    } catch (e) {
      message = String(e);
    }
    const lines = message.split('\n').filter(l => l.startsWith('  - '));
    // every lab-only value the guard knows is one the lab file sets: the guard's constants match it
    for (const l of LAB_ONLY_VALUES) {
      expect(lines).toContain(`  - ${l.key} is ${l.what}`);
    }
    for (const section of ['proxmox', 'netbox', 'portainer']) {
      expect(lines).toContain(
        `  - dockerEnv.${section}.allowInsecure is true (plain http is for the lab)`,
      );
      expect(
        lines.some(l =>
          l.startsWith(`  - dockerEnv.${section}.baseUrl is on loopback`),
        ),
      ).toBe(true);
    }
    expect(lines).toHaveLength(LAB_ONLY_VALUES.length + 3 + 4);
  });

  it('allowLoopbackTargets (production mode against the lab) logs them as warnings and starts', async () => {
    const config = await embeddedAsProduction({ allowLoopbackTargets: true });
    const log = logger();
    expect(() => checkProductionConfig(config, log)).not.toThrow();
    expect(log.warn).toHaveBeenCalledTimes(LAB_ONLY_VALUES.length + 3 + 4);
    expect(log.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'dockerEnv.provisioning.agent.scheme is the lab agents',
      ),
    );
  });

  it('is not checked with the lab on (the embedded default)', async () => {
    const config = await embeddedAsProduction({ lab: { enabled: true } });
    expect(() => checkProductionConfig(config, logger())).not.toThrow();
  });
});
