import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  OperationStep,
  OperationTarget,
  StepContext,
} from '@docker-env/plugin-docker-env-workflows-node';
import { LostClaimError, OperationQueue } from './OperationQueue';
import {
  OperationClaim,
  OperationAfterEndedHook,
  OperationEndedHook,
  OperationRecord,
  OperationRegistry,
  OperationStepRecord,
} from './types';
import { RunnerStoppedError, withTimeout } from './withTimeout';

/** What {@link executeOperation} runs with. */
export interface ExecuteOperationOptions {
  queue: OperationQueue;
  registry: OperationRegistry;
  loadTarget(operation: OperationRecord): Promise<OperationTarget>;
  onOperationEnded?: OperationEndedHook;
  afterOperationEnded?: OperationAfterEndedHook;
  logger: LoggerService;
  /** Aborted when the runner loses the claim or stops; the operation is then left as it is recorded. */
  signal: AbortSignal;
  /** True once the runner is stopping: the operation is released at the next step boundary. */
  stopping(): boolean;
  /** Claims after which an interrupted step is rolled back instead of run again; at twice this, the runner gives up. */
  maxAttempts: number;
}

/** How the execution of a claimed operation ended. */
export type ExecutionOutcome = 'ended' | 'released';

class Released extends Error {}

/**
 * Runs one claimed operation from wherever its records say it is: the steps not yet succeeded in order (the one that
 * was running when a runner died is run again, or rolled back when its kind says so), and on a failure the undo of
 * the failed step and every finished one in reverse order. Everything it needs to resume is in the database.
 */
export async function executeOperation(
  claim: OperationClaim,
  options: ExecuteOperationOptions,
): Promise<ExecutionOutcome> {
  const { queue, signal } = options;
  const { operation } = claim;
  const logger = options.logger.child({
    operationId: operation.id,
    kind: operation.kind,
    environmentId: operation.environmentId,
  });
  const end = async (outcome: Parameters<OperationQueue['finish']>[1]) => {
    const ended = await queue.finish(claim, outcome, options.onOperationEnded);
    logger.info(
      `Operation ${operation.kind} ${ended.status}${
        ended.error ? `: ${ended.error}` : ''
      }`,
    );
    await options
      .afterOperationEnded?.(ended)
      .catch(e => logger.warn(`After the end of the operation: ${message(e)}`));
    return 'ended' as const;
  };

  if (claim.attempts > options.maxAttempts * 2) {
    return end({
      status: 'failed',
      error: `${operation.error ? `${operation.error}; ` : ''}abandoned after ${
        claim.attempts - 1
      } interrupted attempts; leftovers may remain`,
      result: {
        leftovers: [
          `whatever the ${
            claim.attempts - 1
          } interrupted attempts made (not undone): resources carrying the environment's mark`,
        ],
      },
    });
  }
  const definition = options.registry[operation.kind];
  if (!definition) {
    return end({
      status: 'failed',
      error: `no steps are registered for operations of kind ${operation.kind}`,
    });
  }
  const target = await options.loadTarget(operation);
  let steps: OperationStep[];
  try {
    steps = definition.steps(target, operation.input);
  } catch (e) {
    return end({ status: 'failed', error: `plan: ${message(e)}` });
  }
  const records = await queue.plan(
    claim,
    steps.map(s => s.name),
  );
  const recorded = records.map(r => r.name).join(', ');
  const planned = steps.map(s => s.name).join(', ');
  if (recorded !== planned) {
    return end({
      status: 'failed',
      error: `the steps of ${operation.kind} changed since the operation started (recorded: ${recorded}; now: ${planned})`,
    });
  }
  const facts: Record<string, unknown> = {};
  for (const record of records) Object.assign(facts, record.facts);
  const context = (step: OperationStep, stepSignal: AbortSignal) =>
    ({
      target,
      facts: { ...facts },
      signal: stepSignal,
      logger: logger.child({ step: step.name }),
    } satisfies StepContext);
  const checkStop = async () => {
    if (signal.reason instanceof LostClaimError) throw new Released();
    if (options.stopping() || signal.aborted) {
      await queue.release(claim);
      throw new Released();
    }
  };

  try {
    if (operation.failedStep === null) {
      const interrupted = records.find(r => r.status === 'running');
      if (
        interrupted &&
        (definition.onInterrupted === 'rollback' ||
          claim.attempts > options.maxAttempts)
      ) {
        const reason = `interrupted (the runner holding it stopped, attempt ${claim.attempts})`;
        await queue.updateStep(claim, interrupted.position, {
          status: 'failed',
          error: reason,
          ended: true,
        });
        interrupted.status = 'failed';
        await queue.recordFailure(
          claim,
          interrupted.name,
          `step ${interrupted.name}: ${reason}`,
        );
      } else {
        for (const record of records) {
          if (record.status === 'succeeded') continue;
          await checkStop();
          const step = steps[record.position];
          await queue.updateStep(claim, record.position, {
            status: 'running',
            error: null,
            started: true,
          });
          logger.info(`Step ${step.name} started`);
          let learnt: Record<string, unknown> | void;
          try {
            learnt = await withTimeout(
              stepSignal => step.run(context(step, stepSignal)),
              step.timeoutMs,
              signal,
            );
          } catch (e) {
            if (signal.aborted) throw e;
            const reason = message(e);
            logger.warn(`Step ${step.name} failed: ${reason}`);
            await queue.updateStep(claim, record.position, {
              status: 'failed',
              error: reason,
              ended: true,
            });
            record.status = 'failed';
            await queue.recordFailure(
              claim,
              step.name,
              `step ${step.name}: ${reason}`,
            );
            break;
          }
          Object.assign(facts, learnt ?? {});
          await queue.updateStep(claim, record.position, {
            status: 'succeeded',
            facts: learnt ?? {},
            ended: true,
          });
          record.status = 'succeeded';
          logger.info(`Step ${step.name} succeeded`);
        }
        if (claim.operation.failedStep === null) {
          return await end({ status: 'succeeded', result: facts });
        }
      }
    }
    return await rollBack(claim, steps, records, {
      ...options,
      logger,
      context,
      facts,
      checkStop,
      end,
    });
  } catch (e) {
    if (e instanceof Released) return 'released';
    if (
      e instanceof LostClaimError ||
      signal.reason instanceof LostClaimError
    ) {
      logger.warn(
        `Left the operation to the runner that took it over: ${message(e)}`,
      );
      return 'released';
    }
    if (signal.reason instanceof RunnerStoppedError) {
      await queue.release(claim);
      logger.info(
        'Released the operation on shutdown; another runner resumes it',
      );
      return 'released';
    }
    throw e;
  }
}

async function rollBack(
  claim: OperationClaim,
  steps: OperationStep[],
  records: OperationStepRecord[],
  options: ExecuteOperationOptions & {
    context(step: OperationStep, signal: AbortSignal): StepContext;
    facts: Record<string, unknown>;
    checkStop(): Promise<void>;
    end(outcome: Parameters<OperationQueue['finish']>[1]): Promise<'ended'>;
  },
): Promise<ExecutionOutcome> {
  const { queue, signal, logger } = options;
  const failedStep = claim.operation.failedStep;
  const failedAt = records.findIndex(r => r.name === failedStep);
  const last = failedAt === -1 ? records.length - 1 : failedAt;
  const undoErrors: string[] = [];
  const leftovers: string[] = [];
  for (let position = last; position >= 0; position--) {
    const record = records[position];
    const step = steps[position];
    if (!['succeeded', 'failed', 'running', 'undoing'].includes(record.status))
      continue;
    if (!step.undo) continue;
    await options.checkStop();
    await queue.updateStep(claim, position, {
      status: 'undoing',
      started: true,
    });
    logger.info(`Undo of step ${step.name} started`);
    try {
      await withTimeout(
        stepSignal => step.undo!(options.context(step, stepSignal)),
        step.timeoutMs,
        signal,
      );
    } catch (e) {
      if (signal.aborted) throw e;
      const reason = message(e);
      logger.error(`Undo of step ${step.name} failed: ${reason}`);
      undoErrors.push(`undo of step ${step.name}: ${reason}`);
      leftovers.push(...heldBy(step, options.context(step, signal)));
      await queue.updateStep(claim, position, {
        status: 'failed',
        error: `undo: ${reason}`,
        ended: true,
      });
      continue;
    }
    await queue.updateStep(claim, position, { status: 'undone', ended: true });
  }
  const cause = claim.operation.error ?? `step ${failedStep}: failed`;
  if (undoErrors.length > 0) {
    return options.end({
      status: 'failed',
      error: [cause, ...undoErrors].join('; '),
      // what the steps learnt (vmid, endpointId, ...) and what remains: a DELETE of the environment starts from them
      result: { ...options.facts, leftovers },
    });
  }
  return options.end({ status: 'rolled_back' });
}

/** What `step` left behind, in words (`lxc: CT 105 on node pve`). */
function heldBy(step: OperationStep, ctx: StepContext): string[] {
  const held = step.holds?.(ctx) ?? [];
  return (held.length > 0 ? held : [`what step ${step.name} made`]).map(
    what => `${step.name}: ${what}`,
  );
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
