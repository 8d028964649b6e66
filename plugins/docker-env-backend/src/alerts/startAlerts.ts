import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  ProxmoxApiClient,
  type ProxmoxClient,
} from '@docker-env/plugin-docker-env-node';
import type { Notifier } from '../notifications';
import type { DockerEnvStore } from '../store/types';
import { AlertActions } from './AlertActions';
import { readAlertSettings, type AlertSettings } from './config';
import { ContainerAlerts } from './ContainerAlerts';
import { sweepAlerts } from './sweep';
import { UsageAlerts } from './UsageAlerts';

/** The plugin's alerts: the container facts' subscriber, and the settings the routes need. */
export interface Alerts {
  settings: AlertSettings;
  containers: ContainerAlerts;
  usage: UsageAlerts;
  actions: AlertActions;
}

/**
 * Builds the alerts (`dockerEnv.alerts`) and schedules their check (task `docker-env-alerts`, once across replicas,
 * every `checkIntervalSeconds`): open what is due, end quiet crash loops, read the CTs' usage against the rules.
 */
export async function startAlerts(options: {
  config: RootConfigService;
  store: DockerEnvStore;
  notifier: Pick<Notifier, 'stage' | 'sendSoon'>;
  logger: LoggerService;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  proxmox?: ProxmoxClient;
}): Promise<Alerts> {
  const settings = readAlertSettings(options.config);
  const logger = options.logger.child({ component: 'alerts' });
  const actions = new AlertActions({
    store: options.store,
    notifier: options.notifier,
    settings,
    logger,
  });
  let proxmox = options.proxmox;
  const usage = new UsageAlerts(actions, async environment => {
    // built on first use, so a backend with incomplete infrastructure config still starts
    proxmox ??= ProxmoxApiClient.fromConfig(options.config);
    const pve = environment.node ? proxmox.forNode(environment.node) : proxmox;
    return pve.getStatus(environment.vmid!);
  });
  const containers = new ContainerAlerts(actions);
  options.lifecycle.addShutdownHook(() => containers.stop());
  if (settings.enabled)
    await options.scheduler.scheduleTask({
      id: 'docker-env-alerts',
      frequency: { milliseconds: settings.checkIntervalMs },
      timeout: { seconds: 120 },
      scope: 'global',
      fn: async () => {
        const swept = await sweepAlerts(actions);
        const checked = await usage.check();
        if (swept.opened || swept.loopsEnded || checked.failed)
          logger.info(
            `Alerts: ${swept.opened} opened after their grace, ${swept.loopsEnded} crash loops ended, usage of ${checked.checked} environments read (${checked.failed} failed)`,
          );
      },
    });
  return { settings, containers, usage, actions };
}
