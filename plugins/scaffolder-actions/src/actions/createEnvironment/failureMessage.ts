import type { Operation } from '@docker-env/plugin-docker-env-common';

/**
 * The one line a failed provisioning leaves in the task log, saying what really happened to what the steps had
 * created: removed (`rolled_back`), partly left behind (an undo failed: the runner ends the operation `failed` and
 * marks the step whose undo failed with an `undo:` error), or never undone (the operation ended without a rollback).
 */
export function provisioningFailureMessage(
  name: string,
  op: Pick<Operation, 'status' | 'failedStep' | 'error' | 'steps'>,
): string {
  const head = `Provisioning ${name} failed${
    op.failedStep ? ` at step ${op.failedStep}` : ''
  }`;
  if (op.status === 'rolled_back') {
    return `${head}: ${
      op.error ?? 'no reason given'
    }. What was created has been removed; fix the cause and run the template again.`;
  }
  const undoFailed = op.steps
    .filter(s => s.status === 'failed' && s.error?.startsWith('undo:'))
    .map(s => s.name);
  if (undoFailed.length > 0) {
    return `${head} and its undo failed too: ${
      op.error ?? 'no reason given'
    }. What the steps ${undoFailed.join(
      ', ',
    )} created may remain in Proxmox, Portainer, NetBox or Traefik: ask an administrator to remove it (the reconciler flags it as an orphan) before you run the template again.`;
  }
  const kept = op.steps.filter(s => s.status === 'succeeded').map(s => s.name);
  if (kept.length > 0) {
    return `${head}: ${
      op.error ?? 'no reason given'
    }. It was not rolled back: what the steps ${kept.join(
      ', ',
    )} created may remain; ask an administrator to remove it before you run the template again.`;
  }
  return `${head}: ${
    op.error ?? 'no reason given'
  }. Nothing was created; fix the cause and run the template again.`;
}
