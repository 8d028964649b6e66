import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * The LDAP org module reads `schedule` per provider (and needs it when no schedule is given in code),
       * but its own config schema (0.12.9) leaves it out, so `config:check --strict` rejected it.
       */
      ldapOrg?: {
        [providerId: string]: {
          /** How often users and groups are read from the directory. */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        };
      };
    };
  };
}
