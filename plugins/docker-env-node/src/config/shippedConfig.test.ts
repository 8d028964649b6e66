import { ConfigReader } from '@backstage/config';
import { spawnSync } from 'node:child_process';
import { InputError } from '@backstage/errors';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
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

/** Reads a shipped app-config file, substituting `${VAR}` from `env` like Backstage does. */
function shipped(file: string, env: Record<string, string> = {}) {
  const text = fs
    .readFileSync(path.join(root, file), 'utf8')
    .replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name) => env[name] ?? '');
  return { data: parse(text), context: file };
}

const productionEnv: Record<string, string> = {
  APP_BASE_URL: 'https://portal.example.test',
  BACKEND_BASE_URL: 'https://portal.example.test',
  BACKEND_SECRET: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ',
  POSTGRES_HOST: 'db.example.test',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'pw',
  SMTP_HOST: 'smtp.example.test',
  SMTP_PORT: '465',
  SMTP_USER: 'portal',
  SMTP_PASSWORD: 'pw',
  SMTP_SENDER: 'portal@example.test',
  AUTH_GITLAB_CLIENT_ID: 'gitlab-app-id',
  AUTH_GITLAB_CLIENT_SECRET: 'gitlab-app-secret',
  AUTH_GITLAB_AUDIENCE: 'https://gitlab.example.test',
  ENV_SSH_USER: 'root',
  ENV_SSH_PRIVATE_KEY: 'key',
  PROXMOX_URL: 'https://pve.example.test:8006',
  PROXMOX_NODE: 'pve',
  PROXMOX_TOKEN_ID: 'docker-env@pve!portal',
  PROXMOX_TOKEN_SECRET: '5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c',
  NETBOX_URL: 'https://netbox.example.test',
  NETBOX_TOKEN: 'nbt_abc123.0123456789abcdef',
  PORTAINER_URL: 'https://portainer.example.test:9443',
  PORTAINER_API_KEY: 'ptr_0123456789abcdef',
  DOCKER_ENV_BASE_DOMAIN: 'docker.example.test',
  TRAEFIK_CERT_RESOLVER: 'letsencrypt',
  TRAEFIK_ROUTES_DIR: '/srv/traefik/dynamic',
  LDAP_URL: 'ldaps://ldap.example.test',
  LDAP_BIND_DN: 'cn=reader,dc=example,dc=test',
  LDAP_BIND_PASSWORD: 'pw',
  LDAP_USER_BASE: 'ou=people,dc=example,dc=test',
  LDAP_GROUP_BASE: 'ou=groups,dc=example,dc=test',
};

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
  it('app-config.yaml (the embedded lab): relative paths resolve against the working directory', () => {
    const config = ConfigReader.fromConfigs([shipped('app-config.yaml')]);
    const clients = buildAll(config);
    const store = clients.traefik.store as LocalRouteStore;
    expect(store).toBeInstanceOf(LocalRouteStore);
    expect(store.directory).toBe(
      path.resolve(process.cwd(), '../../.lab-data/traefik'),
    );
  });

  it('app-config.yaml + app-config.production.yaml with the environment set', () => {
    const config = ConfigReader.fromConfigs([
      shipped('app-config.yaml'),
      shipped('app-config.production.yaml', productionEnv),
    ]);
    buildAll(config);
  });

  it.each([
    ['PROXMOX_URL', 'http://pve.example.test:8006', () => ProxmoxApiClient],
    ['NETBOX_URL', 'https://netbox.example.test/api', () => NetBoxClient],
    ['PORTAINER_URL', 'not a url', () => PortainerClient],
    ['NETBOX_TOKEN', 'has space', () => NetBoxClient],
  ])(
    'a bad %s is a ConfigError at start-up',
    (name, value, client: () => { fromConfig(c: ConfigReader): unknown }) => {
      const config = ConfigReader.fromConfigs([
        shipped('app-config.yaml'),
        shipped('app-config.production.yaml', {
          ...productionEnv,
          [name]: value,
        }),
      ]);
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
