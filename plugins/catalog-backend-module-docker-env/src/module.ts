import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DOCKER_ENV_EVENTS_TOPIC,
  DockerEnvApiClient,
} from '@docker-env/plugin-docker-env-common';
import { DockerEnvEntityProvider } from './provider';

/**
 * Config key of the provider's settings.
 *
 * @public
 */
export const DOCKER_ENV_PROVIDER_CONFIG = 'catalog.providers.dockerEnv';

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
  initialDelay: { seconds: 5 },
};

/**
 * Publishes the Docker environments in the catalog: a full sync on a schedule (`catalog.providers.dockerEnv.schedule`,
 * default every 5 minutes) and deltas from the `docker-env.environment` events.
 *
 * @public
 */
export const catalogModuleDockerEnv = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'docker-env',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        discovery,
        auth,
        scheduler,
        logger,
        events,
      }) {
        const settings = config.getOptionalConfig(DOCKER_ENV_PROVIDER_CONFIG);
        const schedule = settings?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              settings.getConfig('schedule'),
            )
          : DEFAULT_SCHEDULE;
        const provider = new DockerEnvEntityProvider({
          // as the catalog's own service principal (a service token for the docker-env plugin)
          reader: new DockerEnvApiClient({
            discoveryApi: discovery,
            getToken: async () =>
              (
                await auth.getPluginRequestToken({
                  onBehalfOf: await auth.getOwnServiceCredentials(),
                  targetPluginId: 'docker-env',
                })
              ).token,
            timeoutMs: settings?.getOptionalNumber('timeoutMs') ?? 10_000,
          }),
          baseUrl: await discovery.getExternalBaseUrl('docker-env'),
          logger,
          taskRunner: scheduler.createScheduledTaskRunner({
            ...schedule,
            scope: 'global',
          }),
        });
        catalog.addEntityProvider(provider);
        await events.subscribe({
          id: 'catalog-docker-env-entity-provider',
          topics: [DOCKER_ENV_EVENTS_TOPIC],
          onEvent: params => provider.onEvent(params),
        });
      },
    });
  },
});
