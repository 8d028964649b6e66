import type { Operation } from '@docker-env/plugin-docker-env-common';

/**
 * The one line a failed provisioning leaves in the task log, saying what really happened to what the steps had
 * created: removed (`rolled_back`: the name is free again), or left behind (an undo failed, the operation was
 * abandoned, or a call completed after its step gave up: the runner lists each leftover in `result.leftovers` and the
 * environment is `cleanup_required`, holding its name until a DELETE removes them).
 */
export function provisioningFailureMessage(
  name: string,
  op: Pick<Operation, 'status' | 'failedStep' | 'error' | 'steps' | 'result'>,
): string {
  const head = `Provisioning ${name} failed${
    op.failedStep ? ` at step ${op.failedStep}` : ''
  }`;
  const reason = op.error ?? 'no reason given';
  if (op.status === 'rolled_back') {
    return `${head}: ${reason}. What was created has been removed; fix the cause and run the template again.`;
  }
  const leftovers = Array.isArray(op.result?.leftovers)
    ? (op.result!.leftovers as unknown[]).filter(
        (x): x is string => typeof x === 'string',
      )
    : [];
  if (leftovers.length > 0) {
    return `${head} and was not fully rolled back: ${reason}. Left behind: ${leftovers.join(
      '; ',
    )}. The environment is cleanup_required and keeps its name: delete it (the Delete button on its page, or DELETE /environments/${name}?confirmName=${name}) to remove them, then run the template again.`;
  }
  const undoFailed = op.steps
    .filter(s => s.status === 'failed' && s.error?.startsWith('undo:'))
    .map(s => s.name);
  const kept = op.steps.filter(s => s.status === 'succeeded').map(s => s.name);
  const remaining = [...new Set([...undoFailed, ...kept])];
  if (remaining.length > 0) {
    return `${head}: ${reason}. It was not rolled back: what the steps ${remaining.join(
      ', ',
    )} created may remain; delete the environment (DELETE /environments/${name}?confirmName=${name}) to remove it before you run the template again.`;
  }
  return `${head}: ${reason}. Nothing was created; fix the cause and run the template again.`;
}
