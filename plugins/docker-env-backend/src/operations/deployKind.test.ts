import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DockerEngineSimulator } from '@docker-env/lab';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CREDENTIALS_NOT_HELD,
  RegistryCredentials,
} from '../deployments/RegistryCredentials';
import { deployKindFromConfig } from './deployKind';

const PRIVATE = 'registry.example.com/team/private:1';
const AUTH = { username: 'ci', password: 'registry-pw' };

// The `deploy` kind's pull with the request's registry credentials, on the replica that accepted the request (it
// holds them) and on another one (a takeover: it does not), against the lab's engine and its private registry.
describe('deploy kind: registry credentials held by the accepting replica only', () => {
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
    replica: RegistryCredentials,
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

  it('pulls a private image with the credentials on the replica that holds them', async () => {
    const accepting = new RegistryCredentials();
    const credentialsRef = accepting.keep(AUTH);
    await expect(pull(accepting, { credentialsRef })).resolves.toMatchObject({
      pullStatus: expect.stringMatching(/Downloaded newer image/),
    });
    // the registry refuses the image without them
    engine.engine.removeImage(PRIVATE, true);
    await expect(pull(accepting, {})).rejects.toThrow(/denied|unauthorized/i);
  });

  it('fails the pull on another replica with a readable reason, before reaching the engine', async () => {
    const accepting = new RegistryCredentials();
    const credentialsRef = accepting.keep(AUTH);
    const pulls = engine.control.callCount('docker.image.pull');
    await expect(
      pull(new RegistryCredentials(), { credentialsRef }),
    ).rejects.toThrow(CREDENTIALS_NOT_HELD);
    expect(engine.control.callCount('docker.image.pull')).toBe(pulls);
    // a deployment that gave no credentials pulls anywhere
    await expect(
      pull(new RegistryCredentials(), {
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
