import path from 'node:path';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';

/**
 * Starts the lab (simulated Proxmox VE, NetBox and Portainer on loopback) inside the portal's
 * backend when `dockerEnv.lab.enabled` is true: the embedded default. Production leaves it off,
 * and the lab package is then never loaded.
 */
export const labPlugin = createBackendPlugin({
  pluginId: 'docker-env-lab',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ config, logger, lifecycle }) {
        const labConfig = config.getOptionalConfig('dockerEnv.lab');
        if (!labConfig?.getOptionalBoolean('enabled')) return;
        // Loaded lazily so production never loads the lab. A plain require: the dev transform's
        // dynamic import exposes a CommonJS module's `export *` re-exports only under `default`.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { startLab } =
          require('@docker-env/lab') as typeof import('@docker-env/lab');
        // the edge serves the folder the route store writes (relative to the backend's folder)
        const routesDir = config.getOptionalString(
          'dockerEnv.traefik.directory',
        );
        const edgeLogger = logger.child({ component: 'edge' });
        const stateFile = labConfig.getOptionalString('stateFile');
        const lab = await startLab({
          latencyScale: labConfig.getOptionalNumber('latencyScale'),
          guestIpBlock: labConfig.getOptionalNumber('guestIpBlock') ?? 10,
          stateFile: stateFile ? path.resolve(stateFile) : undefined,
          ports: {
            proxmox: labConfig.getOptionalNumber('ports.proxmox'),
            netbox: labConfig.getOptionalNumber('ports.netbox'),
            portainer: labConfig.getOptionalNumber('ports.portainer'),
          },
          edge: routesDir
            ? {
                directory: path.resolve(routesDir),
                port: labConfig.getOptionalNumber('ports.edge'),
                logger: {
                  info: m => edgeLogger.info(m),
                  warn: m => edgeLogger.warn(m),
                  error: m => edgeLogger.error(m),
                },
              }
            : undefined,
        });
        logger.info(
          `Lab started: proxmox ${lab.urls.proxmox}, netbox ${lab.urls.netbox}, portainer ${lab.urls.portainer}`,
        );
        if (lab.edge) {
          logger.info(
            `Lab edge router: ${lab.urls.edge} serves the routes in ${lab.edge.directory} (e.g. curl -H 'Host: <name>.docker.localhost' ${lab.urls.edge}/)`,
          );
        }
        lifecycle.addShutdownHook(() => lab.stop());
      },
    });
  },
});
