import { LabControl } from '../core';
import { ClosableServer } from '../core/ClosableServer';
import { DockerEngine } from './DockerEngine';
import { DOCKER_DEFAULT_LATENCIES } from './engineCore';
import type { LabImageSpec } from './images';
import { engineApp } from './servers';

/** Options of a standalone simulated Docker engine. */
export interface DockerEngineSimulatorOptions {
  /** Loopback address to listen on; default 127.0.0.1. Published container ports bind here too. */
  host?: string;
  /** TCP port; default 0 (random). */
  port?: number;
  control?: LabControl;
  /** Multiplier of {@link DOCKER_DEFAULT_LATENCIES}; 0 makes the engine instant. */
  latencyScale?: number;
  /** Images present locally from the start (references from the registry catalogue, or full specs). */
  images?: Array<string | LabImageSpec>;
  /** What pulls can fetch; default {@link DEFAULT_REGISTRY_IMAGES}. */
  registry?: LabImageSpec[];
  hostname?: string;
}

/**
 * A Docker engine on its own (no guest around it): the Docker Engine API over plain TCP, as
 * dockerode reaches it with `{host, port}`. `GET /_lab/state` shows its images and containers.
 */
export class DockerEngineSimulator {
  private constructor(
    readonly engine: DockerEngine,
    private readonly server: ClosableServer,
    readonly host: string,
  ) {}

  static async start(
    options: DockerEngineSimulatorOptions = {},
  ): Promise<DockerEngineSimulator> {
    const host = options.host ?? '127.0.0.1';
    const control =
      options.control ??
      new LabControl(DOCKER_DEFAULT_LATENCIES, options.latencyScale ?? 1);
    if (options.control && options.latencyScale !== undefined)
      control.setLatencyScale(options.latencyScale);
    const engine = new DockerEngine({
      ip: host,
      control,
      hostname: options.hostname,
      images: options.images,
      registry: options.registry,
    });
    const server = await ClosableServer.listen(
      engineApp(engine),
      host,
      options.port ?? 0,
      { streaming: true },
    );
    return new DockerEngineSimulator(engine, server, host);
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get port(): number {
    return this.server.port;
  }

  get control(): LabControl {
    return this.engine.control;
  }

  /** The engine's inspectable state (same as `GET /_lab/state`). */
  get state() {
    return this.engine.describe();
  }

  /** Stops listening, ends every container program and timer. */
  async stop(): Promise<void> {
    await this.server.close();
    await this.engine.dispose();
  }
}
