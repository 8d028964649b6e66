import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import {
  jsonBodiesOnly,
  jsonBody,
  namedValidationErrors,
  retryAfterHeader,
} from './requestErrors';
import { routeModules } from '../routes';
import { dockerEnvApiSpec as spec } from '@docker-env/plugin-docker-env-common';
import { RouteContext } from './RouteContext';

/**
 * Builds the plugin's HTTP API from the spec: JSON bodies only (415 otherwise), validated input, then each concern's
 * routes; every 400 names the field and the rule.
 */
export async function createRouter(ctx: RouteContext): Promise<express.Router> {
  const router = createValidatedOpenApiRouter(spec, {
    middleware: [jsonBody()],
  });
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const addRoutes of routeModules) addRoutes(router, ctx);
  router.use(namedValidationErrors(spec.paths as any));
  // before the validated router, whose error transformer would turn the 415 into a 400
  const outer = express.Router();
  outer.use(jsonBodiesOnly());
  outer.use(router);
  outer.use(retryAfterHeader());
  outer.use((req, _res, next) =>
    next(
      new NotFoundError(
        `${req.method} ${req.path}: no such route of the docker-env API (entity refs in paths are URL-encoded: group%3Adefault%2Fteam-a)`,
      ),
    ),
  );
  return outer;
}
