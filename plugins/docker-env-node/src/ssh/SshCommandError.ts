import { UpstreamApiError } from '../errors';

/**
 * A remote command ended with an exit code outside the accepted ones (or by a signal). The
 * message names only the command's label and exit: remote output may carry secrets or internal
 * detail, so its tail is kept in `stderrTail`, which is not enumerable and so not serialised
 * into API error responses. Log it where operators read logs.
 *
 * @public
 */
export class SshCommandError extends UpstreamApiError {
  readonly exitCode: number | null;
  readonly signal: string | null;
  declare readonly stderrTail: string;
  constructor(
    label: string,
    exitCode: number | null,
    signal: string | null,
    stderr: string,
  ) {
    const exit =
      exitCode === null
        ? `ended by signal ${signal ?? 'unknown'}`
        : `exited with code ${exitCode}`;
    super(`ssh command ${label} ${exit}`, {
      system: 'ssh',
      reason: exit,
      operation: `exec ${label}`,
    });
    this.exitCode = exitCode;
    this.signal = signal;
    Object.defineProperty(this, 'stderrTail', {
      value: stderr.trim().slice(-500),
      enumerable: false,
    });
  }
}
