import { isError, ResponseError } from '@backstage/errors';

/** What the user can do about each kind of refusal, appended when the message does not say it already. */
const ADVICE: Record<string, string> = {
  InputError: 'correct the value and run the template again',
  NotAllowedError:
    'request it for yourself or one of your groups, or ask a docker-env admin',
  NotFoundError: 'check the name, or ask a docker-env admin',
  ConflictError:
    'choose another name, or wait until the running operation ends and try again',
  ServiceUnavailableError:
    'check that the docker-env backend plugin is installed and running',
};

/**
 * An action failure as the task log shows it: the scaffolder writes a failed step's `error.stack` to the log, so
 * the stack is the message itself, one line with what to do, never a trace.
 *
 * @public
 */
export class TaskFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
    this.stack = message;
  }
}

/**
 * Turns any error into a {@link TaskFailure}: one line, whitespace collapsed, with advice for known refusals.
 *
 * @public
 */
export function taskFailure(thrown: unknown): TaskFailure {
  if (thrown instanceof TaskFailure) return thrown;
  // a refusal of the backend: its own error (name and message) is the cause
  const error = thrown instanceof ResponseError ? thrown.cause : thrown;
  const name = isError(error) ? error.name : 'Error';
  const raw = isError(error) ? error.message : String(error);
  let message = raw.replace(/\s+/g, ' ').trim() || 'The action failed';
  const advice = ADVICE[name];
  if (advice && !message.includes(advice)) {
    message = `${message.replace(/[.\s]+$/, '')}: ${advice}.`;
  }
  return new TaskFailure(message);
}
