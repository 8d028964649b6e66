import { ResponseError } from '@backstage/errors';

/** The backend's own message (it names the field and the rule), not the HTTP wrapper around it. */
export function readableError(error: unknown): string {
  if (error instanceof ResponseError) {
    const message = error.body?.error?.message;
    if (error.statusCode === 403) {
      return `Not allowed: ${message || 'you may not do this'}`;
    }
    return message || `${error.statusCode} ${error.response.statusText}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
