import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The docker-env entity provider (`@docker-env/plugin-catalog-backend-module-docker-env`). */
      dockerEnv?: {
        /** The full sync's schedule; default every 5 minutes with a 3 minute timeout, first run after 5 s. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** Timeout of each call to the docker-env API in milliseconds; default 10000. */
        timeoutMs?: number;
      };
    };
  };
}
