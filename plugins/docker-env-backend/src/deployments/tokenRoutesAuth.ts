import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { RequestHandler } from 'express';

/** The routes a deployment token may call (the rest of `/environments` needs Backstage credentials); any case. */
export function isTokenRoute(method: string, path: string, hasToken: boolean) {
  if (method === 'POST')
    return /^\/environments\/[^/]+\/deployments\/?$/i.test(path);
  return (
    hasToken &&
    method === 'GET' &&
    /^\/environments\/[^/]+\/deployments\/[^/]+\/?$/i.test(path)
  );
}

/**
 * `addAuthPolicy` matches path prefixes, so the token routes open all of `/environments` to requests without
 * Backstage credentials. This middleware closes it again for every other route, before the OpenAPI validation, so a
 * caller without credentials gets 401 there as before; the token routes check their token themselves.
 */
export function credentialsOutsideTokenRoutes(
  httpAuth: HttpAuthService,
): RequestHandler {
  return (req, _res, next) => {
    if (
      // Express matches routes case-insensitively, so must this guard: `/Environments/...` reaches the same handlers
      !req.path.toLowerCase().startsWith('/environments') ||
      isTokenRoute(
        req.method,
        req.path,
        req.header('x-deploy-token') !== undefined,
      )
    ) {
      next();
      return;
    }
    httpAuth
      .credentials(req, { allow: ['user', 'service'] })
      .then(() => next(), next);
  };
}
