import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EdgeRouter } from './EdgeRouter';
import {
  edgeRequest,
  EchoServer,
  eventually,
  memoryLogger,
  startEchoServer,
  writeAtomically,
} from './testing';

describe('EdgeRouter', () => {
  let dir: string;
  let edge: EdgeRouter;
  let blue: EchoServer;
  let green: EchoServer;
  let logger: ReturnType<typeof memoryLogger>;

  const json = async (host: string, p = '/', headers = {}) => {
    const r = await edgeRequest(edge.url(), host, { path: p, headers });
    return { ...r, json: r.status === 200 ? JSON.parse(r.text) : undefined };
  };
  const put = (file: string, text: string) =>
    writeAtomically(path.join(dir, file), text);
  // writes a file, then waits until the edge has loaded it (and is in force)
  // (a reload that began before the write may finish after it: wait for one that began after)
  const apply = async (file: string, text: string) => {
    await put(file, text);
    const written = performance.now();
    await eventually(async () => {
      if (edge.lastReload.startedAt < written) throw new Error('not yet');
    });
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edge-test-'));
    [blue, green] = await Promise.all([
      startEchoServer('blue'),
      startEchoServer('green'),
    ]);
    logger = memoryLogger();
    edge = await EdgeRouter.start({
      directory: dir,
      logger,
      debounceMs: 10,
      // well above a loaded CI machine's answer time, well below /slow's 6 s
      timeouts: { responseHeaderTimeoutMs: 3000 },
    });
  });

  afterEach(async () => {
    await edge.stop();
    await Promise.all([blue.close(), green.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  const services = () => `
  services:
    blue: { loadBalancer: { servers: [{ url: "${blue.url}" }] } }
    green: { loadBalancer: { servers: [{ url: "${green.url}" }] } }`;

  it('picks the router with the longest rule, unless a priority says otherwise', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    short: { rule: "Host(\`app.docker.localhost\`)", service: blue }
    long: { rule: "Host(\`app.docker.localhost\`) && PathPrefix(\`/api\`)", service: green }
${services()}`,
    );
    expect((await json('app.docker.localhost', '/api/x')).json.server).toBe(
      'green',
    );
    expect((await json('app.docker.localhost', '/web')).json.server).toBe(
      'blue',
    );
    expect(edge.routers().find(r => r.name === 'short@file')).toMatchObject({
      status: 'enabled',
      priority: 'Host(`app.docker.localhost`)'.length,
    });

    await apply(
      'a.yml',
      `http:
  routers:
    short: { rule: "Host(\`app.docker.localhost\`)", service: blue, priority: 1000 }
    long: { rule: "Host(\`app.docker.localhost\`) && PathPrefix(\`/api\`)", service: green }
${services()}`,
    );
    expect((await json('app.docker.localhost', '/api/x')).json.server).toBe(
      'blue',
    );
  });

  it('answers 404 without a matching router, 502 when refused, 503 without servers, 504 on timeout', async () => {
    const closed = await startEchoServer('gone');
    await closed.close();
    await apply(
      'a.yml',
      `http:
  routers:
    refused: { rule: "Host(\`refused.docker.localhost\`)", service: gone }
    slow: { rule: "Host(\`slow.docker.localhost\`)", service: blue }
    empty: { rule: "Host(\`empty.docker.localhost\`)", service: nobody }
  services:
    gone: { loadBalancer: { servers: [{ url: "${closed.url}" }] } }
    blue: { loadBalancer: { servers: [{ url: "${blue.url}" }] } }
    nobody: { weighted: { services: [{ name: blue, weight: 0 }] } }
`,
    );
    const missing = await json('nothing.docker.localhost');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('404 page not found\n');
    expect((await json('refused.docker.localhost')).status).toBe(502);
    expect((await json('empty.docker.localhost')).status).toBe(503);
    expect((await json('slow.docker.localhost', '/slow')).status).toBe(504);
    expect((await json('slow.docker.localhost', '/')).status).toBe(200);
  });

  it('drops a router it cannot build, logs why, and serves the rest of the file', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    good: { rule: "Host(\`good.docker.localhost\`)", service: blue }
    badRule: { rule: "Host(\`bad.docker.localhost\`) &&", service: blue }
    noService: { rule: "Host(\`x.docker.localhost\`)", service: missing }
    noMiddleware: { rule: "Host(\`y.docker.localhost\`)", service: blue, middlewares: [nope] }
    noEntryPoint: { rule: "Host(\`z.docker.localhost\`)", service: blue, entryPoints: [websecure] }
${services()}`,
    );
    expect((await json('good.docker.localhost')).json.server).toBe('blue');
    expect((await json('bad.docker.localhost')).status).toBe(404);
    const errors = Object.fromEntries(
      edge.routers().map(r => [r.name, r.error]),
    );
    expect(errors).toMatchObject({
      'good@file': undefined,
      'badRule@file': expect.stringContaining("expected operand, found 'EOF'"),
      'noService@file': 'the service "missing@file" does not exist',
      'noMiddleware@file': 'middleware "nope@file" does not exist',
      'noEntryPoint@file': 'no valid entryPoint for this router',
    });
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^ERROR router badRule@file: /),
    );
  });

  it('applies stripPrefix, redirectScheme, headers and chain', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    api: { rule: "Host(\`m.docker.localhost\`) && PathPrefix(\`/api\`)", service: blue, middlewares: [both] }
    redirect: { rule: "Host(\`r.docker.localhost\`)", service: blue, middlewares: [tohttps] }
  middlewares:
    both: { chain: { middlewares: [strip, "hdr@file"] } }
    strip: { stripPrefix: { prefixes: [/api] } }
    hdr:
      headers:
        customRequestHeaders: { X-Added: yes, User-Agent: "" }
        customResponseHeaders: { X-Backend: "", X-Served-By: edge }
        frameDeny: true
        contentTypeNosniff: true
    tohttps: { redirectScheme: { scheme: https, permanent: true } }
${services()}`,
    );
    const r = await json('m.docker.localhost', '/api/items?q=1', {
      'user-agent': 'test',
    });
    expect(r.json.url).toBe('/items?q=1');
    expect(r.json.headers['x-forwarded-prefix']).toBe('/api');
    expect(r.json.headers['x-added']).toBe('yes');
    expect(r.json.headers['user-agent']).toBeUndefined();
    expect(r.headers['x-backend']).toBeUndefined();
    expect(r.headers['x-served-by']).toBe('edge');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await json('m.docker.localhost', '/api')).json.url).toBe('/');

    const get = await edgeRequest(edge.url(), 'r.docker.localhost:18000', {
      path: '/a?b=1',
    });
    expect(get.status).toBe(301);
    expect(get.headers.location).toBe('https://r.docker.localhost/a?b=1');
    const post = await edgeRequest(edge.url(), 'r.docker.localhost', {
      method: 'POST',
    });
    expect(post.status).toBe(308);
  });

  it('proxies as Traefik does: streaming, hop-by-hop headers, X-Forwarded-*', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    app: { rule: "Host(\`p.docker.localhost\`)", service: blue }
${services()}`,
    );
    const r = await json('p.docker.localhost:18000', '/x', {
      'x-forwarded-for': '10.9.9.9',
      'x-forwarded-proto': 'https',
      connection: 'x-secret',
      'x-secret': 'hop',
      'proxy-authorization': 'Basic abc',
    });
    const h = r.json.headers;
    expect(h.host).toBe('p.docker.localhost:18000');
    expect(h['x-forwarded-for']).toBe('127.0.0.1');
    expect(h['x-real-ip']).toBe('127.0.0.1');
    expect(h['x-forwarded-proto']).toBe('http');
    expect(h['x-forwarded-host']).toBe('p.docker.localhost:18000');
    expect(h['x-forwarded-port']).toBe('18000');
    expect(h['x-forwarded-server']).toBe(os.hostname());
    expect(h['x-secret']).toBeUndefined();
    expect(h['proxy-authorization']).toBeUndefined();
    expect(r.headers['x-hop']).toBeUndefined();
    expect(r.headers['x-backend']).toBe('blue');

    // a body streams both ways: the echo of the first chunk arrives before the request ends
    const { port } = new URL(edge.url());
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/echo',
        headers: { host: 'p.docker.localhost' },
      });
      req.on('response', res => {
        let text = '';
        res.on('data', chunk => {
          text += chunk;
          if (text === 'first ') req.end('second');
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write('first ');
    });
    expect(echoed).toBe('first second');
  });

  it('splits a weighted service by weight and takes unhealthy servers out of rotation', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    w: { rule: "Host(\`w.docker.localhost\`)", service: split }
    hc: { rule: "Host(\`hc.docker.localhost\`)", service: checked }
  services:
    split: { weighted: { services: [{ name: blue, weight: 3 }, { name: green, weight: 1 }] } }
    checked:
      loadBalancer:
        servers: [{ url: "${blue.url}" }, { url: "${green.url}" }]
        healthCheck: { path: /health, interval: 50ms, timeout: 500ms }
    blue: { loadBalancer: { servers: [{ url: "${blue.url}" }] } }
    green: { loadBalancer: { servers: [{ url: "${green.url}" }] } }
`,
    );
    const seen: string[] = [];
    for (let i = 0; i < 8; i++)
      seen.push((await json('w.docker.localhost')).json.server);
    expect(seen.filter(s => s === 'blue')).toHaveLength(6);

    green.status = 500;
    await eventually(async () => {
      const servers = new Set<string>();
      for (let i = 0; i < 4; i++)
        servers.add((await json('hc.docker.localhost')).json?.server);
      expect([...servers]).toEqual(['blue']);
    });
    blue.status = 503;
    await eventually(async () => {
      const r = await json('hc.docker.localhost');
      expect(r.status).toBe(503);
      expect(r.text).toBe('no available server\n');
    });
    blue.status = 200;
    await eventually(async () =>
      expect((await json('hc.docker.localhost')).status).toBe(200),
    );
  });

  it('reloads on change and keeps the configuration in force while a file is broken', async () => {
    await apply(
      'a.yml',
      `http:
  routers:
    a: { rule: "Host(\`a.docker.localhost\`)", service: blue }
${services()}`,
    );
    // TOML, a subdirectory, a duplicate name (the first file wins) and files Traefik ignores
    await fs.mkdir(path.join(dir, 'sub'));
    await put(
      'sub/b.toml',
      `[http.routers.b]\nrule = "Host(\`b.docker.localhost\`)"\nservice = "green@file"\n[http.routers.a]\nrule = "Host(\`dup.docker.localhost\`)"\nservice = "green"\n`,
    );
    await put('notes.txt', 'http: [');
    await apply('.hidden.yml.tmp-1', 'broken: [');
    expect((await json('b.docker.localhost')).json.server).toBe('green');
    expect((await json('dup.docker.localhost')).status).toBe(404);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /WARN .*HTTP router a already configured, skipping/,
      ),
    );

    // a file that does not decode: the reload fails as a whole, what is in force keeps working
    await put('c.yml', 'http:\n  routers: [oops');
    await put(
      'a.yml',
      `http:
  routers:
    a: { rule: "Host(\`moved.docker.localhost\`)", service: blue }
${services()}`,
    );
    await eventually(async () =>
      expect(edge.lastReload.error).toContain('c.yml'),
    );
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^ERROR Error occurred during watcher callback: .*c\.yml/,
      ),
    );
    expect((await json('a.docker.localhost')).json.server).toBe('blue');
    expect((await json('moved.docker.localhost')).status).toBe(404);

    // a file that is not valid against the Traefik v3 schema fails the same way
    await put(
      'c.yml',
      'http:\n  routers:\n    c: { rule: 1, service: blue, bogus: 1 }\n',
    );
    await eventually(async () =>
      expect(edge.lastReload.error).toMatch(
        /c\.yml: does not match the Traefik v3/,
      ),
    );

    // fixed: the next reload applies everything, including the change made meanwhile
    await apply('c.yml', '# nothing yet\n');
    expect(edge.lastReload.error).toBeUndefined();
    expect((await json('moved.docker.localhost')).json.server).toBe('blue');
    expect((await json('a.docker.localhost')).status).toBe(404);

    // a removed file takes its routers with it
    await fs.rm(path.join(dir, 'sub'), { recursive: true });
    await fs.rm(path.join(dir, 'notes.txt'));
    await apply('c.yml', '');
    expect((await json('b.docker.localhost')).status).toBe(404);
  });
});
