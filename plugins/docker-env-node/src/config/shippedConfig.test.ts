import { ConfigReader } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { spawnSync } from 'node:child_process';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { DockerClient } from '../docker';
import { UpstreamApiError } from '../errors';
import { NetBoxClient } from '../netbox';
import { PortainerClient } from '../portainer';
import { ProxmoxApiClient } from '../proxmox';
import { TraefikRoutes } from '../traefik';
import { LocalRouteStore } from '../traefik/LocalRouteStore';
import { WebhookSender } from '../webhooks';
import { ConfigError } from './ConfigError';

const root = path.resolve(__dirname, '../../../..');

/**
 * Shipped app-config files merged by Backstage's own loader, `${VAR}` (and `${VAR:-default}`) from `env` only: an
 * unset variable drops its key, as at a real start.
 */
async function shipped(files: string[], env: Record<string, string> = {}) {
  const source = ConfigSources.default({
    rootDir: root,
    argv: files.flatMap(f => ['--config', path.join(root, f)]),
    env: {},
    substitutionFunc: async name => env[name]?.trim(),
  });
  for await (const { configs } of source.readConfigData()) {
    return ConfigReader.fromConfigs(configs);
  }
  throw new Error('the config source gave nothing');
}

const EMBEDDED = ['app-config.yaml', 'app-config.embedded.yaml'];
const PRODUCTION = ['app-config.yaml', 'app-config.production.yaml'];

/** The example variables of examples/production.env. */
const productionEnv: Record<string, string> = Object.fromEntries(
  fs
    .readFileSync(path.join(root, 'examples/production.env'), 'utf8')
    .split('\n')
    .map(line => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(m => [m[1], m[2]]),
);

function buildAll(config: ConfigReader) {
  return {
    proxmox: ProxmoxApiClient.fromConfig(config),
    netbox: NetBoxClient.fromConfig(config),
    portainer: PortainerClient.fromConfig(config),
    traefik: TraefikRoutes.fromConfig(config),
    docker: DockerClient.fromConfig(config, { endpointId: 1 }),
    webhooks: WebhookSender.fromConfig(config),
  };
}

describe('the shipped app-config files build every client', () => {
  it('app-config.yaml + app-config.embedded.yaml (the embedded lab): relative paths resolve against the working directory', async () => {
    const config = await shipped(EMBEDDED);
    const clients = buildAll(config);
    const store = clients.traefik.store as LocalRouteStore;
    expect(store).toBeInstanceOf(LocalRouteStore);
    expect(store.directory).toBe(
      path.resolve(process.cwd(), '../../.lab-data/traefik'),
    );
  });

  it('app-config.yaml + app-config.production.yaml with the environment set', async () => {
    const config = await shipped(PRODUCTION, productionEnv);
    const clients = buildAll(config);
    expect(clients.traefik.store).toBeInstanceOf(LocalRouteStore);
  });

  it.each([
    ['PROXMOX_URL', 'http://pve.example.test:8006', () => ProxmoxApiClient],
    ['NETBOX_URL', 'https://netbox.example.test/api', () => NetBoxClient],
    ['PORTAINER_URL', 'not a url', () => PortainerClient],
    ['NETBOX_TOKEN', 'has space', () => NetBoxClient],
  ])(
    'a bad %s is a ConfigError at start-up',
    async (
      name,
      value,
      client: () => { fromConfig(c: ConfigReader): unknown },
    ) => {
      const config = await shipped(PRODUCTION, {
        ...productionEnv,
        [name]: value,
      });
      let error: unknown;
      try {
        client().fromConfig(config);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).not.toBeInstanceOf(InputError);
      expect(error).not.toBeInstanceOf(UpstreamApiError);
    },
  );
});

/** Backstage's strict `config:check` of the production files (every installed plugin's schema), env from `env`. */
function configCheck(env: Record<string, string>) {
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('@backstage/cli/bin/backstage-cli'),
      'config:check',
      '--strict',
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
      timeout: 90_000,
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('backstage-cli config:check --strict of app-config.yaml + app-config.production.yaml', () => {
  it('passes with the environment set', () => {
    const { status, output } = configCheck(productionEnv);
    expect(output).not.toContain('does not match schema');
    expect(status).toBe(0);
  }, 120_000);

  it('fails naming the key when a required value is missing', () => {
    const { AUTH_GITLAB_CLIENT_SECRET: _unset, ...env } = productionEnv;
    const { status, output } = configCheck(env);
    expect(status).not.toBe(0);
    expect(output).toContain(
      "required property 'clientSecret' { missingProperty=clientSecret } at /auth/providers/gitlab/production",
    );
  }, 120_000);
});
