import {
  recordFinalBackup,
  recordRestoreOutcome,
} from '../backups/finalBackupRecords';
import { deployNotice } from '../deployments/deployNotice';
import type { DeploymentSecrets } from '../deployments/DeploymentSecrets';
import type { EnvironmentEvents } from '../events';
import type { Notifier } from '../notifications';
import { environmentPatchFor } from '../runner/environmentRecord';
import type {
  OperationAfterEndedHook,
  OperationEndedHook,
} from '../runner/types';
import { recordSnapshotOutcome } from '../snapshots/snapshotRecords';
import type { DockerEnvStore } from '../store/types';
import { factsAfter } from './facts';
import { lifecycleNotice, provisionNotice } from './notices';

/**
 * What the end of an operation means for the records and the people, as the runner's two hooks:
 *
 * - `onOperationEnded`, in the transaction that ends the operation: the environment moves on (ready, failed, paused,
 *   ...) and carries what a succeeded operation learnt (`facts`), the snapshot and final-backup records follow the
 *   operation's outcome, and the notice of the outcome goes into the outbox.
 * - `afterOperationEnded`, once that committed: a deployment's sealed env values and registry credentials are
 *   deleted, the catalog and the pages are told that the status changed, and the outbox sends the notice.
 */
export function operationOutcomeHooks(options: {
  store: Pick<DockerEnvStore, 'getEnvironmentById'>;
  events: Pick<EnvironmentEvents, 'changed'>;
  notifier: Pick<Notifier, 'stage' | 'sendSoon'>;
  deploymentSecrets: Pick<DeploymentSecrets, 'forget'>;
}): {
  onOperationEnded: OperationEndedHook;
  afterOperationEnded: OperationAfterEndedHook;
} {
  return {
    async onOperationEnded(operation, tx) {
      const patch = { ...environmentPatchFor(operation) };
      const facts = await factsAfter(operation, tx);
      if (facts) patch.facts = facts;
      if (Object.keys(patch).length > 0)
        await tx.updateEnvironment(operation.environmentId, patch);
      await tx.expireIdempotencyKeys(
        { environmentId: operation.environmentId, operationId: operation.id },
        operation.endedAt ?? new Date(),
      );
      await recordSnapshotOutcome(operation, tx.snapshots());
      await recordFinalBackup(operation, tx.finalBackups());
      await recordRestoreOutcome(operation, tx.finalBackups());
      const environment = await tx.getEnvironmentById(operation.environmentId);
      const notice =
        environment &&
        (provisionNotice(operation, environment) ??
          deployNotice(operation, environment) ??
          lifecycleNotice(operation, environment));
      if (notice) await options.notifier.stage(notice, tx);
    },
    async afterOperationEnded(operation) {
      const environment = await options.store.getEnvironmentById(
        operation.environmentId,
      );
      if (operation.kind === 'deploy')
        await options.deploymentSecrets.forget(operation.input.secretsRef);
      options.notifier.sendSoon();
      if (!environment) return;
      await options.events.changed(environment, 'status');
    },
  };
}
