import { CustomErrorBase } from '@backstage/errors';
import { ResultCodeError } from 'ldapts';
import { UpstreamApiError } from '../errors';

/** Turns an ldapts or socket failure into an UpstreamApiError; our own errors pass through. */
export function toLdapError(error: unknown, operation: string): Error {
  if (error instanceof UpstreamApiError) return error;
  // InputError, NotFoundError, ConflictError raised by the directory itself
  if (error instanceof CustomErrorBase) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const reason = describe(err);
  return new UpstreamApiError(`LDAP ${operation} failed: ${reason}`, {
    system: 'ldap',
    reason,
    operation,
    cause: err,
  });
}

function describe(err: Error): string {
  if (err instanceof ResultCodeError) {
    // ldapts names the classes after RFC 4511 result codes: InvalidCredentialsError -> invalidCredentials
    const name = err.name.replace(/Error$/, '');
    return `${name.charAt(0).toLowerCase()}${name.slice(1)} (${err.code})`;
  }
  // ldapts sometimes re-wraps socket errors, leaving the errno only in the message
  const code =
    (err as NodeJS.ErrnoException).code ??
    /\b(E[A-Z_]{3,})\b/.exec(err.message)?.[1];
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (/timed? ?out/i.test(err.message)) return 'timeout';
  return err.message;
}
