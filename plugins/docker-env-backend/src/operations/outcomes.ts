import {
  recordFinalBackup,
  recordRestoreOutcome,
} from '../backups/finalBackupRecords';
import { deployNotice } from '../deployments/deployNotice';
import type { RegistryCredentials } from '../deployments/RegistryCredentials';
import type { EnvironmentEvents } from '../events';
import type { Notifier } from '../notifications';
import { environmentPatchFor } from '../runner/environmentRecord';
import type {
  OperationAfterEndedHook,
  OperationEndedHook,
} from '../runner/types';
import { recordSnapshotOutcome } from '../snapshots/snapshotRecords';
import type { DockerEnvStore } from '../store/types';
import { lifecycleNotice, provisionNotice } from './notices';

/**
 * What the end of an operation means for the records and the people, as the runner's two hooks:
 *
 * - `onOperationEnded`, in the transaction that ends the operation: the environment moves on (ready, failed, paused,
 *   ...), and the snapshot and final-backup records follow the operation's outcome.
 * - `afterOperationEnded`, once that committed: a deployment's registry credentials are forgotten, the catalog and
 *   the pages are told that the status changed, and the owner gets the notice of the outcome.
 */
export function operationOutcomeHooks(options: {
  store: Pick<DockerEnvStore, 'getEnvironmentById'>;
  events: Pick<EnvironmentEvents, 'changed'>;
  notifier: Pick<Notifier, 'notify'>;
  registryCredentials: Pick<RegistryCredentials, 'forget'>;
}): {
  onOperationEnded: OperationEndedHook;
  afterOperationEnded: OperationAfterEndedHook;
} {
  return {
    async onOperationEnded(operation, tx) {
      const patch = environmentPatchFor(operation);
      if (patch) await tx.updateEnvironment(operation.environmentId, patch);
      await recordSnapshotOutcome(operation, tx.snapshots());
      await recordFinalBackup(operation, tx.finalBackups());
      await recordRestoreOutcome(operation, tx.finalBackups());
    },
    async afterOperationEnded(operation) {
      const environment = await options.store.getEnvironmentById(
        operation.environmentId,
      );
      if (operation.kind === 'deploy')
        options.registryCredentials.forget(operation.input.credentialsRef);
      if (!environment) return;
      await options.events.changed(environment, 'status');
      const notice =
        provisionNotice(operation, environment) ??
        deployNotice(operation, environment) ??
        lifecycleNotice(operation, environment);
      if (notice) await options.notifier.notify(notice);
    },
  };
}
