import { TraefikRoutes } from '@docker-env/plugin-docker-env-node';
import { LabelRoutes } from './labelRoutes';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { dockerEnvPermissions } from '@docker-env/plugin-docker-env-common';
import { startAlerts } from './alerts';
import { registerDockerEnvActions } from './actions';
import { AuditTrail } from './audit';
import { FinalBackups } from './backups';
import { checkProductionConfig } from './config';
import { containerReadsFromConfig } from './containers';
import { usageReadsFromConfig } from './usage';
import {
  credentialsOutsideTokenRoutes,
  deploymentServices,
  dockerEnvTokensExtensionPoint,
  TokensExtensions,
} from './deployments';
import { EnvironmentEvents } from './events';
import { scheduleExpiry } from './expiry';
import { scheduleTeamSync } from './teams';
import { scheduleRegistrySync } from './registries';
import { Notifier, scheduleOutbox } from './notifications';
import {
  checkInfrastructureConfig,
  operationOutcomeHooks,
  operationRegistryFromConfig,
} from './operations';
import { startPausedPage } from './paused';
import { environmentResourceRef, environmentRules } from './permissions';
import {
  catalogTeamResolver,
  dockerEnvProvisioningExtensionPoint,
  ProvisioningExtensions,
} from './provisioning';
import { QuotaService } from './quotas';
import { scheduleReconciler } from './reconciler';
import { maxExtensionDays } from './routes/expiry';
import { loadTargetFrom, startOperationRunner } from './runner';
import { wakeRunnerAfterWrites } from './runner/wakeOnWrite';
import { Access } from './service/access';
import { createRouter } from './service/router';
import { RouteContext } from './service/RouteContext';
import {
  retentionConfig,
  scheduleSnapshotRetention,
  snapshotListFromConfig,
} from './snapshots';
import { statusChecksFromConfig } from './status';
import { DatabaseDockerEnvStore } from './store';
import { catalogOwners } from './quotas/catalogOwners';
import { endpointRateLimits } from './service/rateLimits';
import {
  ContainerEventsExtensions,
  dockerEnvContainerEventsExtensionPoint,
  startContainerWatchers,
} from './watcher';

/**
 * The docker-env backend plugin. Modules extend it through {@link dockerEnvProvisioningExtensionPoint},
 * {@link dockerEnvTokensExtensionPoint} and {@link dockerEnvContainerEventsExtensionPoint}.
 *
 * @public
 */
export const dockerEnvPlugin = createBackendPlugin({
  pluginId: 'docker-env',
  register(env) {
    const provisioning = new ProvisioningExtensions();
    env.registerExtensionPoint(
      dockerEnvProvisioningExtensionPoint,
      provisioning,
    );
    const tokens = new TokensExtensions();
    env.registerExtensionPoint(dockerEnvTokensExtensionPoint, tokens);
    const containerEvents = new ContainerEventsExtensions();
    env.registerExtensionPoint(
      dockerEnvContainerEventsExtensionPoint,
      containerEvents,
    );
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: eventsServiceRef,
        notifications: notificationService,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, permissionsRegistry } = deps;
        checkProductionConfig(config, logger);
        checkInfrastructureConfig(config);
        // the one database client: every table is reached through this store
        const store = await DatabaseDockerEnvStore.create(deps);
        permissionsRegistry.addResourceType({
          resourceRef: environmentResourceRef,
          permissions: dockerEnvPermissions.filter(p => p.type === 'resource'),
          rules: Object.values(environmentRules),
          getResources: ids =>
            Promise.all(ids.map(id => store.getEnvironmentById(id))),
        });
        permissionsRegistry.addPermissions(
          dockerEnvPermissions.filter(p => p.type === 'basic'),
        );

        const events = new EnvironmentEvents(deps.events, logger);
        const notifier = Notifier.fromConfig({ ...deps, store });
        await scheduleOutbox({ ...deps, outbox: notifier.outbox });
        const audit = new AuditTrail(deps.auditor);
        const deployment = deploymentServices(
          config,
          store,
          deps,
          tokens.creatorAccess,
        );

        await scheduleExpiry({
          ...deps,
          store,
          notifier,
          environmentEvents: events,
        });
        await scheduleReconciler({ ...deps, store, audit });
        await scheduleSnapshotRetention({ ...deps, store });
        const teams = provisioning.teamResolver ?? catalogTeamResolver(deps);
        const teamSync = await scheduleTeamSync({
          ...deps,
          store,
          teams,
          audit,
        });
        await scheduleRegistrySync({ ...deps, store, audit });

        const runner = await startOperationRunner({
          ...deps,
          store,
          registry: operationRegistryFromConfig(config, {
            teams,
            deploymentSecrets: deployment.deploymentSecrets,
            extraProvisionSteps: provisioning.steps,
          }),
          loadTarget: loadTargetFrom(store),
          ...operationOutcomeHooks({
            store,
            events,
            notifier,
            deploymentSecrets: deployment.deploymentSecrets,
          }),
        });

        let traefik: TraefikRoutes | undefined;
        const labelRoutes = new LabelRoutes({
          store,
          routes: () => (traefik ??= TraefikRoutes.fromConfig(config)),
          notify: notice => notifier.notify(notice),
          logger: logger.child({ component: 'label-routes' }),
        });
        const alerts = await startAlerts({ ...deps, store, notifier });
        const watchers = startContainerWatchers({
          ...deps,
          store,
          subscribers: [
            labelRoutes.subscriber,
            alerts.containers.subscriber(),
            ...containerEvents.subscribers,
          ],
        });

        const routeContext: RouteContext = {
          store,
          access: new Access(deps),
          audit,
          events,
          notifier,
          quotas: QuotaService.fromConfig(config),
          statusChecks: statusChecksFromConfig(config),
          watchers,
          alertSettings: alerts.settings,
          statusTimeoutMs:
            config.getOptionalNumber('dockerEnv.status.timeoutMs') ?? 3000,
          logger,
          snapshots: snapshotListFromConfig(config, store),
          containers: containerReadsFromConfig(config),
          usage: usageReadsFromConfig(config),
          finalBackups: new FinalBackups(
            store,
            retentionConfig(config).retentionDays,
          ),
          ...deployment,
          maxExtensionDays: maxExtensionDays(config),
          driftFlags: store.driftFlags(),
          ownerInCatalog: catalogOwners(deps),
          teamSync,
        };
        const router = await createRouter(routeContext);
        // the same code paths, as the calling user, for assistants (served over MCP by the MCP actions backend)
        registerDockerEnvActions(deps.actionsRegistry, routeContext);
        deps.httpRouter.use(endpointRateLimits(config));
        deps.httpRouter.use(credentialsOutsideTokenRoutes(deps.httpAuth));
        deps.httpRouter.use(wakeRunnerAfterWrites(runner));
        deps.httpRouter.use(router);
        await startPausedPage(deps);

        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        // deployment-token routes: a prefix policy, closed again for the other routes by credentialsOutsideTokenRoutes
        deps.httpRouter.addAuthPolicy({
          path: '/environments/:name/deployments',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
