/*
 * The portal's backend: Backstage's core plugins plus the docker-env plugins.
 * In the embedded default (app-config.yaml) it also starts the lab, which simulates
 * Proxmox VE, NetBox and Portainer on loopback.
 */
import { createBackend } from '@backstage/backend-defaults';
import { embeddedSignInModule } from './modules/embeddedSignIn';
import { gitlabSignInModule } from './modules/gitlabSignIn';
import { labPlugin } from './modules/labPlugin';
import { permissionPolicyModule } from './modules/permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest sign-in for the embedded default; production adds its own provider
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// the sign-in page's developer/admin personas: only when auth.providers.embedded is configured
backend.add(embeddedSignInModule);
// GitLab sign-in to catalog users: registers only when auth.providers.gitlab is configured (production)
backend.add(gitlabSignInModule);

// catalog
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// users and groups from LDAP: only when catalog.providers.ldapOrg is configured (production)
backend.add(import('@backstage/plugin-catalog-backend-module-ldap'));
backend.add(import('@docker-env/plugin-catalog-backend-module-docker-env'));

// scaffolder, with the docker-env provisioning actions
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(import('@docker-env/plugin-scaffolder-backend-module-docker-env'));

// permissions
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

// search: catalog collator; Postgres engine when the database is Postgres, Lunr otherwise
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.add(import('@backstage/plugin-user-settings-backend'));

// events (lets catalog and signals subscribe), notifications (with email) and signals
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-notifications-backend-module-email'));
backend.add(import('@backstage/plugin-signals-backend'));

// docker-env
backend.add(import('@docker-env/plugin-docker-env-backend'));
backend.add(labPlugin);

// the docker-env actions (backend.actions.pluginSources) as MCP tools at /api/mcp-actions/v1, for signed-in users
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
