import type { OperationStep } from '../operations';
import { buildProvisionSteps } from './buildProvisionSteps';
import { restoreStep } from './steps/restore';
import type { ProvisioningConfig, ProvisioningDeps } from './types';

/**
 * The step names of a `restore` operation, in order.
 *
 * @public
 */
export const RESTORE_STEP_NAMES = [
  'restore',
  'start',
  'ip',
  'agent',
  'portainer',
  'registries',
  'route',
  'netbox',
] as const;

/**
 * The steps of a `restore` operation: a final backup (fact `backupVolid`) restored into a new CT for a new
 * environment, then provisioning's start -> ip -> agent -> portainer -> registries -> route -> netbox. The restored disk brings its
 * containers back (under their restart policies), so there is no `welcome` step; the main route points at the
 * welcome port as a new environment's does. Deployment routes of the deleted environment are not re-created.
 *
 * @public
 */
export function buildRestoreSteps(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep[] {
  const provision = new Map(
    buildProvisionSteps(deps, config).map(s => [s.name, s]),
  );
  const route = provision.get('route')!;
  const withWelcomePort: OperationStep = {
    ...route,
    run: ctx =>
      route.run({
        ...ctx,
        facts: { welcomePort: config.welcome.hostPort, ...ctx.facts },
      }),
  };
  const own = new Map<string, OperationStep>([
    ['restore', restoreStep(deps, config)],
    ['route', withWelcomePort],
  ]);
  return RESTORE_STEP_NAMES.map(name => own.get(name) ?? provision.get(name)!);
}
