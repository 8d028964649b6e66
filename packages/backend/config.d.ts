import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  auth?: {
    providers?: {
      /**
       * The embedded default's persona sign-in (packages/backend/src/modules/embeddedSignIn), per auth environment
       * (`auth.environment`, default development). Production has none, so the provider is not registered there.
       */
      embedded?: {
        [authEnvironment: string]: {
          /** Persona id (sent by the sign-in page) -> the catalog user it signs in as, e.g. `developer: user:default/dev`. */
          personas: { [persona: string]: string };
        };
      };
    };
  };
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
