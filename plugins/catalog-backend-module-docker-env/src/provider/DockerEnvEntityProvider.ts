import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventParams } from '@backstage/plugin-events-node';
import { Environment } from '@docker-env/plugin-docker-env-common';
import {
  environmentEntityRef,
  environmentToEntity,
  isPublished,
  providerLocation,
} from './environmentEntity';

/** The payload the docker-env backend publishes on `docker-env.environment` (its `EnvironmentChangedEvent`). */
interface EnvironmentChangedPayload {
  name?: unknown;
  status?: unknown;
  environment?: Environment;
}

/**
 * Publishes every Docker environment that holds its name as `resource:default/<name>`: a full mutation from the
 * docker-env API on each {@link DockerEnvEntityProvider.fullSync}, and delta mutations from the events the backend
 * publishes on every change.
 *
 * @public
 */
export class DockerEnvEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly locationKey: string;

  constructor(
    private readonly options: {
      /** Every environment the API lists, all pages (`DockerEnvApiClient`). */
      reader: { listAllEnvironments(): Promise<Environment[]> };
      /** The docker-env API's base URL, as named in the entities' location annotations. */
      baseUrl: string;
      logger: LoggerService;
      /** Runs {@link DockerEnvEntityProvider.fullSync} on its schedule once connected; none in tests. */
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {
    this.locationKey = providerLocation(options.baseUrl);
  }

  getProviderName(): string {
    return 'docker-env';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner?.run({
      id: `${this.getProviderName()}-entity-provider:full-sync`,
      fn: () => this.fullSync(),
    });
  }

  /** Replaces everything this provider published with the environments the API lists now. */
  async fullSync(): Promise<void> {
    const connection = this.requireConnection();
    const environments = await this.options.reader.listAllEnvironments();
    const entities = environments.filter(isPublished).map(environment => ({
      entity: environmentToEntity(environment, this.options),
      locationKey: this.locationKey,
    }));
    await connection.applyMutation({ type: 'full', entities });
    this.options.logger.info(
      `Published ${entities.length} of ${environments.length} environments`,
    );
  }

  /** Applies one `docker-env.environment` event: an upsert while the environment holds its name, else a removal. */
  async onEvent(params: EventParams): Promise<void> {
    const connection = this.connection;
    if (!connection) return; // the first full sync after connecting covers it
    const payload = params.eventPayload as EnvironmentChangedPayload;
    const environment = payload?.environment;
    if (!environment || typeof environment.name !== 'string') {
      this.options.logger.warn(
        `Ignoring a ${params.topic} event without an environment`,
      );
      return;
    }
    if (isPublished(environment)) {
      await connection.applyMutation({
        type: 'delta',
        added: [
          {
            entity: environmentToEntity(environment, this.options),
            locationKey: this.locationKey,
          },
        ],
        removed: [],
      });
    } else {
      await connection.applyMutation({
        type: 'delta',
        added: [],
        removed: [
          {
            entityRef: environmentEntityRef(environment.name),
            locationKey: this.locationKey,
          },
        ],
      });
    }
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error('docker-env entity provider is not connected yet');
    }
    return this.connection;
  }
}
