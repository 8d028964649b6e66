import express from 'express';
import { createDockerApiHandler } from './dockerApi';
import type { DockerEngine } from './DockerEngine';
import type { AgentSignatureCheck } from '../tls/agentSignature';
import { EngineError } from './model';

/** The Portainer agent version the simulated agents report. */
export const AGENT_VERSION = '2.27.9';

function labRoutes(
  engine: DockerEngine,
  extraState?: () => unknown,
): express.Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/state', (_req, res) => {
    res.json(
      extraState
        ? { ...engine.describe(), ...(extraState() as object) }
        : engine.describe(),
    );
  });
  // change how a container's program answers, e.g. {"healthStatus": 503} to make it go unhealthy
  router.post('/containers/:id/behaviour', (req, res) => {
    try {
      res.json(engine.setBehaviour(req.params.id, req.body ?? {}));
    } catch (e) {
      res
        .status(e instanceof EngineError ? e.status : 500)
        .json({ message: (e as Error).message });
    }
  });
  // the kernel's OOM killer ends the container's program (events oom, die 137)
  router.post('/containers/:id/oom', (req, res) => {
    engine.oomKill(req.params.id).then(
      () => res.status(204).end(),
      e =>
        res
          .status(e instanceof EngineError ? e.status : 500)
          .json({ message: (e as Error).message }),
    );
  });
  router.post('/containers/:id/logs', (req, res) => {
    try {
      const c = engine.findContainer(req.params.id);
      engine.log(
        c,
        req.body?.stream === 'stderr' ? 2 : 1,
        String(req.body?.line ?? ''),
      );
      res.status(204).end();
    } catch (e) {
      res
        .status(e instanceof EngineError ? e.status : 500)
        .json({ message: (e as Error).message });
    }
  });
  router.use(engine.control.router());
  return router;
}

/** The engine API app: `/_lab/*` for tests, everything else the Docker Engine API. */
export function engineApp(
  engine: DockerEngine,
  extraState?: () => unknown,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use('/_lab', labRoutes(engine, extraState));
  const docker = createDockerApiHandler(engine);
  app.use((req, res) => void docker(req, res));
  return app;
}

/**
 * The Portainer agent: `GET /ping` answers 204 with the `Portainer-Agent` and `Portainer-Agent-Platform` headers; every other
 * path is proxied to the Docker Engine API, as the real agent does.
 */
export function agentApp(
  engine: DockerEngine,
  signatures?: AgentSignatureCheck,
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/ping', async (_req, res) => {
    const fault = engine.control.enter('agent.ping');
    if (fault?.kind === 'hang') return;
    await engine.control.delay('agent.ping');
    res.setHeader('Portainer-Agent', AGENT_VERSION);
    // Portainer refuses an agent whose ping lacks its platform (1 = Docker standalone).
    res.setHeader('Portainer-Agent-Platform', '1');
    if (fault?.kind === 'fail') {
      res
        .status(fault.status)
        .json({ message: fault.reason ?? 'lab: injected failure' });
      return;
    }
    res.status(204).end();
  });
  const docker = createDockerApiHandler(engine);
  app.use((req, res) => {
    res.setHeader('Portainer-Agent', AGENT_VERSION);
    // the TLS lab's agents answer only the Portainer they are paired with (or share AGENT_SECRET with)
    if (signatures && !signatures.verify(req.headers)) {
      res.status(403).json({
        message: 'Invalid request signature',
        details: 'Unauthorized',
      });
      return;
    }
    void docker(req, res);
  });
  return app;
}
