import { mockServices } from '@backstage/backend-test-utils';
import type {
  OperationStep,
  OperationTarget,
  StepContext,
} from '@docker-env/plugin-docker-env-workflows-node';

/** A fault a test injects into one step. */
export type InjectedFault =
  /** The step does its work, then fails (its result never recorded). */
  | 'error'
  /** The step does its work, then never answers: the timeout must end it. */
  | 'hang';

/** The outcome of {@link runSteps}. */
export interface StepRun {
  ok: boolean;
  facts: Record<string, unknown>;
  /** Names of the steps that ran to the end, in order. */
  done: string[];
  failed?: { step: string; error: Error };
  /** Undo failures (the runner would leave the operation failed and retry the undo). */
  undoErrors: Array<{ step: string; error: Error }>;
}

function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  label: string,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new Error(`${label} timed out after ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    work(controller.signal).then(
      v => {
        clearTimeout(timer);
        resolve(v);
      },
      e => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * What the backend's runner does with an operation's steps, reduced to what the step contract promises: run in
 * order, each within its timeout with its facts merged; on a failure undo the failed step and the finished ones in
 * reverse. A fault can be injected into one step.
 */
export async function runSteps(
  steps: OperationStep[],
  target: OperationTarget,
  initialFacts: Record<string, unknown>,
  inject?: { step: string; fault: InjectedFault },
): Promise<StepRun> {
  const logger = mockServices.logger.mock();
  let facts = { ...initialFacts };
  const done: string[] = [];
  const ctxFor = (signal: AbortSignal): StepContext => ({
    target,
    facts,
    signal,
    logger,
  });
  for (const step of steps) {
    try {
      const learnt = await withTimeout(
        async signal => {
          const result = await step.run(ctxFor(signal));
          if (inject?.step === step.name && inject.fault === 'error')
            throw new Error(`injected error after ${step.name}`);
          if (inject?.step === step.name && inject.fault === 'hang')
            await new Promise(() => {});
          return result;
        },
        step.timeoutMs,
        `step ${step.name}`,
      );
      facts = { ...facts, ...(learnt ?? {}) };
      done.push(step.name);
    } catch (error) {
      const undoErrors: StepRun['undoErrors'] = [];
      const toUndo = [step, ...steps.slice(0, done.length).reverse()];
      for (const s of toUndo) {
        if (!s.undo) continue;
        try {
          await withTimeout(
            signal => s.undo!(ctxFor(signal)),
            s.timeoutMs,
            `undo ${s.name}`,
          );
        } catch (e) {
          undoErrors.push({ step: s.name, error: e as Error });
        }
      }
      return {
        ok: false,
        facts,
        done,
        failed: { step: step.name, error: error as Error },
        undoErrors,
      };
    }
  }
  return { ok: true, facts, done, undoErrors: [] };
}
