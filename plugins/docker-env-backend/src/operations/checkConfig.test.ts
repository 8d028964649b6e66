import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { checkInfrastructureConfig } from './checkConfig';

jest.setTimeout(60_000);

const lifecycle = {
  backupStorage: 'backup',
  pausedRoute: { service: 'paused@file' },
};

/** The `dockerEnv` section of the embedded default (app-config.yaml + app-config.embedded.yaml), with a lifecycle section. */
function shippedDockerEnv(): JsonObject {
  const read = (file: string) => ({
    context: file,
    data: parse(
      fs.readFileSync(path.resolve(__dirname, '../../../..', file), 'utf8'),
    ),
  });
  const merged = ConfigReader.fromConfigs([
    read('app-config.yaml'),
    read('app-config.embedded.yaml'),
  ]).get<JsonObject>('dockerEnv');
  return { lifecycle, ...merged };
}

/** The shipped section with one value replaced (`key` is a dotted path below `dockerEnv`). */
function broken(key: string, value: unknown): JsonObject {
  const dockerEnv = structuredClone(shippedDockerEnv());
  const parts = key.split('.');
  let at: any = dockerEnv;
  for (const p of parts.slice(0, -1)) at = at[p] ??= {};
  at[parts.at(-1)!] = value;
  return dockerEnv;
}

describe('infrastructure config is checked at start-up', () => {
  it('the shipped config (plus a lifecycle section) starts the plugin', async () => {
    const dockerEnv = shippedDockerEnv();
    expect(() =>
      checkInfrastructureConfig(new ConfigReader({ dockerEnv })),
    ).not.toThrow();
    const { server } = await startDockerEnvTestBackend({
      config: { dockerEnv },
    });
    expect(server).toBeDefined();
  });

  it.each([
    ['provisioning.timeouts.lxc', -1],
    ['provisioning.agent.scheme', 'gopher'],
    ['provisioning.welcome.hostPort', 70000],
    ['provisioning.source.kind', 'iso'],
    ['proxmox.baseUrl', 'https://pve.example.test:8006/api2/json'],
    ['netbox.timeoutMs', 5],
    ['portainer.baseUrl', 'not a url'],
    ['traefik.entryPoints', ['web secure']],
    ['docker.kind', 'carrier-pigeon'],
    ['lifecycle.backupMode', 'suspend'],
    ['webhooks.maxAttempts', 0],
  ])(
    'a bad dockerEnv.%s stops the plugin at start-up with a ConfigError naming the key',
    async (key, value) => {
      const dockerEnv = broken(key, value);
      const started = startDockerEnvTestBackend({ config: { dockerEnv } });
      await expect(started).rejects.toThrow(`ConfigError: dockerEnv.${key}`);
    },
  );
});
