import type { RequestHandler } from 'express';

/**
 * Express middleware: once a successful write (POST, PUT, PATCH, DELETE) has been answered, its transaction has
 * committed, so an operation it queued (create, approve, pause, deploy, ...) is claimable: wake the runner, which
 * then starts it at once instead of at its next poll. A write that queued nothing costs one indexed query.
 */
export function wakeRunnerAfterWrites(
  runner: { wake(): void } | undefined,
): RequestHandler {
  return (req, res, next) => {
    if (runner && req.method !== 'GET' && req.method !== 'HEAD') {
      res.once('finish', () => {
        if (res.statusCode < 300) runner.wake();
      });
    }
    next();
  };
}
