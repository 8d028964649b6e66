import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import express from 'express';
import { routeModules } from '../routes';
import { dockerEnvApiSpec as spec } from '@docker-env/plugin-docker-env-common';
import { RouteContext } from './RouteContext';

/** Builds the plugin's HTTP API from the spec: validated input, then each concern's routes. */
export async function createRouter(ctx: RouteContext): Promise<express.Router> {
  const router = createValidatedOpenApiRouter(spec);
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const addRoutes of routeModules) addRoutes(router, ctx);
  return router;
}
