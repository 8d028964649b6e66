import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import {
  DOCKER_ENV_EVENTS_TOPIC,
  Environment,
} from '@docker-env/plugin-docker-env-common';

/**
 * The payload published on {@link DOCKER_ENV_EVENTS_TOPIC} whenever an environment changes.
 *
 * @public
 */
export interface EnvironmentChangedEvent {
  id: string;
  name: string;
  owner: string;
  status: Environment['status'];
  /** What happened: `created`, `status`, `deleted`, ... */
  change: string;
  environment: Environment;
}

/**
 * Publishes environment changes on Backstage's events service, so the catalog module applies deltas between its
 * full syncs. Publishing is best effort: a failure is logged, never fails the change (the next full sync heals it).
 */
export class EnvironmentEvents {
  constructor(
    private readonly events: EventsService,
    private readonly logger: LoggerService,
  ) {}

  async changed(environment: Environment, change: string): Promise<void> {
    const payload: EnvironmentChangedEvent = {
      id: environment.id,
      name: environment.name,
      owner: environment.owner,
      status: environment.status,
      change,
      environment,
    };
    try {
      await this.events.publish({
        topic: DOCKER_ENV_EVENTS_TOPIC,
        eventPayload: payload,
      });
    } catch (error) {
      this.logger.warn(
        `Could not publish ${change} of environment ${environment.name}: ${error}`,
      );
    }
  }
}
