import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DockerEngineSimulator } from '@docker-env/lab';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DeploymentSecrets,
  SECRETS_NOT_HELD,
} from '../deployments/DeploymentSecrets';
import type { DeploymentSecretStore } from '../secrets/DeploymentSecretStore';
import { SecretBox } from '../secrets/SecretBox';
import { deployKindFromConfig } from './deployKind';

/** The table of one database, shared by the replicas (an in-memory stand-in for `deployment_secrets`). */
function sharedTable(): DeploymentSecretStore & { rows: Map<string, string> } {
  const rows = new Map<string, string>();
  return {
    rows,
    put: async (ref, sealed) => void rows.set(ref, sealed),
    get: async ref => rows.get(ref),
    delete: async ref => void rows.delete(ref),
    deleteOlderThan: async () => 0,
  };
}
const OLD_KEY = 'old-key-of-the-deployment-secrets-0000';
const NEW_KEY = 'new-key-of-the-deployment-secrets-1111';

const PRIVATE = 'registry.example.com/team/private:1';
const AUTH = { username: 'ci', password: 'registry-pw' };

// The `deploy` kind's pull with the request's registry credentials, on the replica that accepted the request (it
// holds them) and on another one (a takeover: it does not), against the lab's engine and its private registry.
describe('deploy kind: registry credentials sealed in the shared store', () => {
  let engine: DockerEngineSimulator;
  let routesDir: string;
  const ip = '127.0.0.1';

  beforeAll(async () => {
    engine = await DockerEngineSimulator.start({
      host: ip,
      latencyScale: 0,
      registry: [
        { ref: PRIVATE, exposedPorts: ['8000/tcp'], auth: AUTH },
        { ref: 'registry.example.com/team/public:1' },
      ],
    });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'deploy-kind-'));
  });
  afterAll(async () => {
    await engine.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  const config = () =>
    new ConfigReader({
      dockerEnv: {
        traefik: { baseDomain: 'docker.localhost', directory: routesDir },
        docker: { kind: 'tcp', port: engine.port, allowInsecure: true },
      },
    });
  const target = {
    environmentId: 'env-1',
    name: 'shop',
    owner: 'group:default/team-a',
    cpuCores: 1,
    memoryMb: 1024,
    diskGb: 8,
  };

  async function pull(
    replica: DeploymentSecrets | undefined,
    input: Record<string, unknown>,
  ) {
    const steps = deployKindFromConfig(config(), replica).steps(target, {
      ip,
      deployment: {
        deploymentId: 'd1',
        image: PRIVATE,
        container: 'app',
        port: 8000,
      },
      ...input,
    });
    expect(steps[0].name).toBe('pull');
    return steps[0].run({
      target,
      facts: {},
      signal: new AbortController().signal,
      logger: mockServices.logger.mock(),
    });
  }

  it('pulls a private image on another replica, also after a key rotation, and not once the rollout ended', async () => {
    const table = sharedTable();
    const accepting = new DeploymentSecrets(
      new SecretBox(OLD_KEY),
      () => table,
    );
    const secretsRef = await accepting.keep(table, {
      env: { API_KEY: 'canary' },
      registryAuth: AUTH,
    });
    expect([...table.rows.values()].join()).not.toMatch(/registry-pw|canary/);
    // the rollout is taken over by a replica started after the key was rotated
    const rotated = new DeploymentSecrets(
      new SecretBox(NEW_KEY, [OLD_KEY]),
      () => table,
    );
    await expect(pull(rotated, { secretsRef })).resolves.toMatchObject({
      pullStatus: expect.stringMatching(/Downloaded newer image/),
    });
    // the registry refuses the image without them
    engine.engine.removeImage(PRIVATE, true);
    await expect(pull(rotated, {})).rejects.toThrow(/denied|unauthorized/i);
    // a replica whose keys do not open them, and any replica after the rollout ended, fail before the engine
    const pulls = engine.control.callCount('docker.image.pull');
    await expect(
      pull(new DeploymentSecrets(new SecretBox(NEW_KEY), () => table), {
        secretsRef,
      }),
    ).rejects.toThrow(SECRETS_NOT_HELD);
    await rotated.forget(secretsRef);
    expect(table.rows.size).toBe(0);
    await expect(pull(rotated, { secretsRef })).rejects.toThrow(
      SECRETS_NOT_HELD,
    );
    expect(engine.control.callCount('docker.image.pull')).toBe(pulls);
  });

  it('fails the pull of an input recorded with the former in-memory credentialsRef, saying why', async () => {
    const pulls = engine.control.callCount('docker.image.pull');
    await expect(pull(undefined, { credentialsRef: 'c0ffee' })).rejects.toThrow(
      SECRETS_NOT_HELD,
    );
    expect(engine.control.callCount('docker.image.pull')).toBe(pulls);
    // a deployment that gave no credentials pulls anywhere
    await expect(
      pull(undefined, {
        deployment: {
          deploymentId: 'd2',
          image: 'registry.example.com/team/public:1',
          container: 'app',
          port: 8000,
        },
      }),
    ).resolves.toMatchObject({ pullStatus: expect.any(String) });
  });
});
