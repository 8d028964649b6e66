import {
  EchoServer,
  EdgeRouter,
  edgeRequest,
  eventually,
  memoryLogger,
  startEchoServer,
} from '@docker-env/lab';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalRouteStore, TraefikRoutes } from '../traefik';

/** The environment id the routes are written for (their mark). */
const ENV_ID = 'env-shop';

// Every kind of route the project writes, written by the production route writer into a
// folder the lab's edge router watches, and served by it to real HTTP servers on loopback.
describe('the routes TraefikRoutes writes, served by the lab edge', () => {
  let dir: string;
  let edge: EdgeRouter;
  let routes: TraefikRoutes;
  let blue: EchoServer;
  let green: EchoServer;
  let maintenance: EchoServer;
  let logger: ReturnType<typeof memoryLogger>;

  const get = async (host: string, p = '/') => {
    const r = await edgeRequest(edge.url(), host, { path: p });
    return {
      ...r,
      server: r.status === 200 ? JSON.parse(r.text).server : undefined,
    };
  };
  const backend = (s: EchoServer) => ({ ip: '127.0.0.1', port: s.port });
  // waits until the edge has loaded what the last write changed
  const settled = async (check: () => Promise<void>) => eventually(check);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edge-routes-'));
    [blue, green, maintenance] = await Promise.all([
      startEchoServer('blue'),
      startEchoServer('green'),
      startEchoServer('maintenance'),
    ]);
    logger = memoryLogger();
    edge = await EdgeRouter.start({ directory: dir, logger, debounceMs: 10 });
    // the embedded default's settings: the lab edge's plain-HTTP entry point
    routes = new TraefikRoutes(new LocalRouteStore(dir), {
      baseDomain: 'docker.localhost',
      entryPoints: ['web'],
      tls: false,
      maintenanceService: 'maintenance@file',
    });
  });

  afterEach(async () => {
    await edge.stop();
    await Promise.all([blue.close(), green.close(), maintenance.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the environment route and its host and path container routes', async () => {
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      target: { kind: 'backend', backend: backend(blue) },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      name: 'api',
      subdomain: 'api',
      target: { kind: 'backend', backend: backend(green) },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      name: 'admin',
      pathPrefix: '/admin',
      target: { kind: 'backend', backend: backend(green) },
    });
    await settled(async () => {
      expect((await get('shop.docker.localhost', '/')).server).toBe('blue');
      expect((await get('api.shop.docker.localhost', '/x')).server).toBe(
        'green',
      );
      // the longer rule (host + path) wins over the environment's host route
      expect((await get('shop.docker.localhost', '/admin/users')).server).toBe(
        'green',
      );
    });
    expect((await get('other.docker.localhost')).status).toBe(404);
    expect(edge.lastReload.error).toBeUndefined();
    expect(edge.routers().every(r => r.status === 'enabled')).toBe(true);

    await routes.removeEnvironment(ENV_ID, 'shop');
    await settled(async () =>
      expect((await get('shop.docker.localhost')).status).toBe(404),
    );
  });

  it('switches blue to green with zero failed requests under load', async () => {
    const switchTo = (weights: { blue: number; green: number }) =>
      routes.putRoute(ENV_ID, {
        environment: 'shop',
        target: {
          kind: 'blueGreen',
          blue: backend(blue),
          green: backend(green),
          weights,
        },
      });
    await switchTo({ blue: 100, green: 0 });
    await settled(async () =>
      expect((await get('shop.docker.localhost')).server).toBe('blue'),
    );

    const results: Array<{ status: number; server?: string }> = [];
    let running = true;
    const client = async () => {
      while (running) results.push(await get('shop.docker.localhost'));
    };
    const load = Promise.all(Array.from({ length: 6 }, client));
    await new Promise(r => setTimeout(r, 100));
    await switchTo({ blue: 50, green: 50 });
    await new Promise(r => setTimeout(r, 150));
    await switchTo({ blue: 0, green: 100 });
    await settled(async () => {
      const last = results.slice(-12);
      expect(last.length).toBe(12);
      expect(last.every(r => r.server === 'green')).toBe(true);
    });
    running = false;
    await load;

    expect(results.length).toBeGreaterThan(30);
    expect(results.filter(r => r.status !== 200)).toEqual([]);
    expect(results.some(r => r.server === 'blue')).toBe(true);
    expect(results.some(r => r.server === 'green')).toBe(true);
  });

  it('serves maintenance through a service defined in another file, and health-checked backends', async () => {
    await fs.writeFile(
      path.join(dir, 'maintenance.yml'),
      `http:\n  services:\n    maintenance:\n      loadBalancer:\n        servers:\n          - url: ${maintenance.url}\n`,
    );
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      target: { kind: 'maintenance' },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      name: 'page',
      subdomain: 'page',
      target: { kind: 'maintenance', url: maintenance.url },
    });
    await settled(async () => {
      expect((await get('shop.docker.localhost')).server).toBe('maintenance');
      expect((await get('page.shop.docker.localhost')).server).toBe(
        'maintenance',
      );
    });

    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      target: {
        kind: 'backend',
        backend: backend(blue),
        healthCheck: { path: '/health', interval: '50ms', timeout: '1s' },
      },
    });
    await settled(async () =>
      expect((await get('shop.docker.localhost')).server).toBe('blue'),
    );
    blue.status = 500;
    await settled(async () =>
      expect((await get('shop.docker.localhost')).status).toBe(503),
    );
  });

  it('accepts the production-shaped documents (TLS on websecure), which a plain entry point does not serve', async () => {
    const production = new TraefikRoutes(new LocalRouteStore(dir), {
      baseDomain: 'docker.example.com',
      certResolver: 'letsencrypt',
      wildcardCertificate: true,
    });
    await production.putRoute(ENV_ID, {
      environment: 'shop',
      target: { kind: 'backend', backend: backend(blue) },
    });
    await settled(async () =>
      expect(edge.routers().map(r => r.name)).toEqual(['dockerenv_shop@file']),
    );
    expect(edge.lastReload.error).toBeUndefined();
    expect(edge.routers()[0].error).toBe('no valid entryPoint for this router');
    expect(logger.lines).toContainEqual(
      expect.stringContaining('entryPoint "websecure" doesn\'t exist'),
    );
  });
});
