import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { dockerEnvPermissions } from '@docker-env/plugin-docker-env-common';
import { AuditTrail } from './audit';
import { checkProductionConfig } from './config';
import {
  FinalBackups,
  recordFinalBackup,
  recordRestoreOutcome,
} from './backups';
import { PausedPage } from './paused';
import { containerReadsFromConfig } from './containers';
import { EnvironmentEvents } from './events';
import { scheduleExpiry } from './expiry';
import { DriftFlags, scheduleReconciler } from './reconciler';
import { Notifier } from './notifications';
import {
  checkInfrastructureConfig,
  operationRegistryFromConfig,
  lifecycleNotice,
  provisionNotice,
} from './operations';
import { environmentResourceRef, environmentRules } from './permissions';
import { catalogTeamResolver } from './provisioning';
import { QuotaService } from './quotas';
import {
  recordSnapshotOutcome,
  retentionConfig,
  scheduleSnapshotRetention,
  snapshotListFromConfig,
} from './snapshots';
import { Access } from './service/access';
import { createRouter } from './service/router';
import { maxExtensionDays } from './routes/expiry';
import { statusChecksFromConfig } from './status';
import { DatabaseDockerEnvStore } from './store';
import {
  credentialsOutsideTokenRoutes,
  deploymentServices,
  deployNotice,
} from './deployments';
import { environmentPatchFor, startOperationRunner, targetOf } from './runner';
import { wakeRunnerAfterWrites } from './runner/wakeOnWrite';

/**
 * The docker-env backend plugin.
 *
 * @public
 */
export const dockerEnvPlugin = createBackendPlugin({
  pluginId: 'docker-env',
  register(env) {
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
      },
      async init(deps) {
        const { config, logger, permissionsRegistry } = deps;
        checkProductionConfig(config, logger);
        checkInfrastructureConfig(config);
        const store = await DatabaseDockerEnvStore.create({
          database: deps.database,
        });
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
        const notifier = Notifier.fromConfig({
          config,
          store,
          notifications: deps.notifications,
          logger,
        });

        const deployment = deploymentServices(
          config,
          await deps.database.getClient(),
          store,
        );

        await scheduleExpiry({
          ...deps,
          knex: await deps.database.getClient(),
          store,
          notifier,
          environmentEvents: events,
        });

        const audit = new AuditTrail(deps.auditor);
        const knex = await deps.database.getClient();
        await scheduleReconciler({ ...deps, knex, store, audit });
        await scheduleSnapshotRetention({ ...deps, knex, store });

        // The durable runner: runs queued operations, takes over those whose claim expired.
        const runner = await startOperationRunner({
          db: await deps.database.getClient(),
          config,
          logger,
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          registry: operationRegistryFromConfig(config, {
            teams: catalogTeamResolver(deps),
            registryCredentials: deployment.registryCredentials,
          }),
          loadTarget: async operation => {
            const environment = await store.getEnvironmentById(
              operation.environmentId,
            );
            if (!environment) {
              throw new NotFoundError(
                `environment ${operation.environmentId} of operation ${operation.id}`,
              );
            }
            return targetOf(environment);
          },
          onOperationEnded: async (operation, tx) => {
            const patch = environmentPatchFor(operation);
            if (patch) {
              await DatabaseDockerEnvStore.inTransaction(tx).updateEnvironment(
                operation.environmentId,
                patch,
              );
            }
            await recordSnapshotOutcome(operation, tx);
            await recordFinalBackup(operation, tx);
            await recordRestoreOutcome(operation, tx);
          },
          afterOperationEnded: async operation => {
            const environment = await store.getEnvironmentById(
              operation.environmentId,
            );
            if (operation.kind === 'deploy')
              deployment.registryCredentials.forget(
                operation.input.credentialsRef,
              );
            if (!environment) return;
            await events.changed(environment, 'status');
            const notice =
              provisionNotice(operation, environment) ??
              deployNotice(operation, environment) ??
              lifecycleNotice(operation, environment);
            if (notice) await notifier.notify(notice);
          },
        });

        const router = await createRouter({
          store,
          access: new Access(deps),
          audit,
          events,
          notifier,
          quotas: QuotaService.fromConfig(config),
          statusChecks: statusChecksFromConfig(config),
          statusTimeoutMs:
            config.getOptionalNumber('dockerEnv.status.timeoutMs') ?? 3000,
          logger,
          snapshots: snapshotListFromConfig(
            config,
            await deps.database.getClient(),
          ),
          containers: containerReadsFromConfig(config),
          finalBackups: new FinalBackups(
            await deps.database.getClient(),
            retentionConfig(config).retentionDays,
          ),
          ...deployment,
          maxExtensionDays: maxExtensionDays(config),
          driftFlags: new DriftFlags(knex),
        });
        deps.httpRouter.use(credentialsOutsideTokenRoutes(deps.httpAuth));
        deps.httpRouter.use(wakeRunnerAfterWrites(runner));
        deps.httpRouter.use(router);

        const pausedPage = await PausedPage.fromConfig(config);
        if (pausedPage) deps.lifecycle.addShutdownHook(() => pausedPage.stop());
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
