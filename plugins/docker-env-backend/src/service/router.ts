import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';

/** What the router needs from the plugin's environment. */
export interface RouterOptions {
  logger: LoggerService;
}

/** Builds the plugin's HTTP API. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  options.logger.debug('docker-env router ready');
  return router;
}
