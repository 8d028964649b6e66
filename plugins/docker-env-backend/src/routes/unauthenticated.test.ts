import { mockCredentials } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';

jest.setTimeout(60_000);

const SRC = path.resolve(__dirname, '..');
/** Routes that answer without credentials on purpose. */
const PUBLIC = ['GET /health'];

/** Every `router.<method>('<path>'` of the plugin's sources, so a route added later is covered without listing it. */
function declaredRoutes(): Array<[string, string]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/(?<!\.test)\.ts$/.test(e.name)) files.push(p);
    }
  };
  walk(SRC);
  const routes = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /router\.(get|post|put|patch|delete)\(\s*'([^']+)'/g,
    ))
      routes.add(`${m[1].toUpperCase()} ${m[2]}`);
  }
  return [...routes]
    .filter(r => !PUBLIC.includes(r))
    .sort()
    .map(r => r.split(' ') as [string, string]);
}

describe('every route of the plugin refuses a caller without credentials', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  const routes = declaredRoutes();

  beforeAll(async () => {
    ({ server } = await startDockerEnvTestBackend());
  });

  it('finds the routes in the sources', () => {
    // the core API and the lifecycle API at least; a regex that stopped matching would make this suite empty
    expect(routes.length).toBeGreaterThanOrEqual(13);
    expect(routes).toContainEqual(['POST', '/environments']);
    expect(routes).toContainEqual(['DELETE', '/environments/:name']);
  });

  it.each(routes)('%s %s -> 401', async (method, route) => {
    const url = `/api/docker-env${route
      .replace(':name', 'alpha')
      .replace(/:[a-zA-Z]+/g, 'x')}`;
    const res = await (request(server) as any)
      [method.toLowerCase()](url)
      .set('Authorization', mockCredentials.none.header())
      .send({});
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  // Express routes match in any case; the guard in front of the token routes must too
  it.each(routes.filter(([, r]) => r.startsWith('/environments')))(
    '%s %s in upper case -> 401',
    async (method, route) => {
      const url = `/api/docker-env${route
        .replace(':name', 'alpha')
        .replace(/:[a-zA-Z]+/g, 'x')
        .replace('/environments', '/Environments')
        .replace('/tokens', '/TOKENS')}`;
      const res = await (request(server) as any)
        [method.toLowerCase()](url)
        .set('Authorization', mockCredentials.none.header())
        .send({});
      expect(res.status).toBe(401);
    },
  );
});
