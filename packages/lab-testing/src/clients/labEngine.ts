import { DockerEngineSimulator } from '@docker-env/lab';
import { DockerClient } from '@docker-env/plugin-docker-env-node';

/** A lab engine and a plain-tcp client of it. */
export interface LabEngineFixture {
  sim: DockerEngineSimulator;
  client: DockerClient;
}

/**
 * Starts a lab engine (no latency, nginx and busybox present) with a client for the calling
 * describe block, resets injected faults after each test and stops the engine at the end.
 */
export function useLabEngine(): LabEngineFixture {
  const lab = {} as LabEngineFixture;
  beforeAll(async () => {
    lab.sim = await DockerEngineSimulator.start({
      latencyScale: 0,
      images: ['nginx:latest', 'busybox:latest'],
    });
    lab.client = new DockerClient(
      {
        kind: 'tcp',
        host: '127.0.0.1',
        port: lab.sim.port,
        allowInsecure: true,
      },
      { timeoutMs: 5000 },
    );
  });
  afterAll(async () => {
    await lab.sim.stop();
  });
  afterEach(() => lab.sim.control.reset());
  return lab;
}
