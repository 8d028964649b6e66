import type { RegistryAuth } from '@docker-env/plugin-docker-env-node';
import type { DockerChannel } from '../lifecycle/types';
import type { TraefikRouteClient } from '@docker-env/plugin-docker-env-node';

/**
 * What one rollout deploys (validated by {@link assertRolloutSpec}).
 *
 * @public
 */
export interface RolloutSpec {
  /** The deployment's id: the `io.docker-env.deployment` label of the container it starts. */
  deploymentId: string;
  image: string;
  /** The container's name: a DNS label (it names the container route `<container>.<environment host>`). */
  container: string;
  /** The port the program listens on inside the container. */
  port: number;
  /** Path the HTTP health check requests (used when the image has no HEALTHCHECK); default `/`. */
  healthPath?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Registry credentials for the pull; none for public images. Never recorded as a fact. */
  registryAuth?: RegistryAuth;
  /** Serve this container on the environment's host (the first deployed container is the primary anyway). */
  primary?: boolean;
  /** Command override (the image's CMD otherwise). */
  command?: string[];
}

/**
 * Settings of the rollout steps (`dockerEnv.deployments`, see {@link readRolloutConfig}).
 *
 * @public
 */
export interface RolloutConfig {
  /** Health checks before the new container counts as failed. Default 12. */
  healthTries: number;
  /** Pause between two health checks. Default 5000. */
  healthIntervalMs: number;
  /** Deadline of one HTTP health request. Default 3000. */
  healthRequestTimeoutMs: number;
  /** How long the old container keeps running after the switch (requests in flight end). Default 30 000. */
  graceMs: number;
  /**
   * 0 (default): the old container is removed in one forced DELETE after the grace. More: it is stopped first
   * (SIGTERM, killed after that many seconds), for programs that clean up on SIGTERM.
   */
  stopTimeoutSeconds: number;
  /** `always` (default: a moved tag is fetched again) or `missing` (pull only an image the engine lacks). */
  pullPolicy: 'always' | 'missing';
  /** Upper bound of the pull. Default 600 000. */
  pullTimeoutMs: number;
  /** Upper bound of every other engine step. Default 60 000. */
  stepTimeoutMs: number;
  /** Host ports a new container may get (inclusive). Default 20000-20999. */
  hostPorts: { from: number; to: number };
  /** Network of a container that has no predecessor: `bridge` (default), `host` or a network name. */
  networkMode: string;
  /** Log lines of a failed container that the rollback reason carries. Default 20. */
  failureLogLines: number;
}

/**
 * The clients the rollout steps use.
 *
 * @public
 */
export interface RolloutDeps {
  docker: DockerChannel;
  routes: Pick<
    TraefikRouteClient,
    'putRoute' | 'getRoute' | 'removeRoute' | 'adoptLegacyRoute'
  >;
}

/**
 * A host backend a route points at.
 *
 * @public
 */
export interface Backend {
  ip: string;
  port: number;
}

/**
 * What the rollout steps learn (recorded by the runner; JSON values only). `ip` and `endpointId` are the
 * environment's facts from provisioning.
 *
 * @public
 */
export interface RolloutFacts {
  ip: string;
  endpointId?: number;
  /** `pull` (its plan): the container the rollout replaces, if one runs under the name. */
  oldContainerId: string | null;
  /** `pull` (its plan): its network (the new container joins the same one). */
  networkMode: string;
  /** `pull` (its plan): true when the environment's host serves the container (its main route), false for its own route. */
  primary: boolean;
  /** `pull` (its plan): where the route pointed before (null: no route yet). */
  previousBackend: Backend | null;
  /** `start`. */
  newContainerId: string;
  newHostPort: number;
  /** `health`: `docker` (the image's HEALTHCHECK) or `http`. */
  healthCheck: 'docker' | 'http';
}
