/**
 * Routing through a running edge as Traefik v3.7.9's router manager and muxer do it
 * (pkg/server/router/router.go, pkg/muxer/http/mux.go): priorities and their ties, refused rules
 * and priorities, ruleSyntax, and what the router sees of raw requests.
 */
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EdgeRouter } from './EdgeRouter';
import {
  edgeRequest,
  EchoServer,
  memoryLogger,
  startEchoServer,
  writeAtomically,
} from './testing';

describe('edge routing', () => {
  let dir: string;
  let edge: EdgeRouter;
  let backends: EchoServer[];
  let logger: ReturnType<typeof memoryLogger>;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edge-routing-'));
    backends = await Promise.all(['a', 'b', 'c'].map(startEchoServer));
    logger = memoryLogger();
    edge = await EdgeRouter.start({ directory: dir, logger, debounceMs: 10 });
  });

  afterAll(async () => {
    await edge.stop();
    await Promise.all(backends.map(b => b.close()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Serves `routers` (YAML flow maps by name) with services a, b, c; waits until in force. */
  const serve = async (routers: Record<string, string>) => {
    const lines = Object.entries(routers).map(([n, r]) => `    ${n}: ${r}`);
    const services = backends.map(
      (b, i) =>
        `    ${'abc'[i]}: { loadBalancer: { servers: [{ url: "${b.url}" }] } }`,
    );
    await writeAtomically(
      path.join(dir, 'routes.yml'),
      `http:\n  routers:\n${lines.join('\n')}\n  services:\n${services.join(
        '\n',
      )}\n`,
    );
    // a load that begins after this call (the watcher's own reload may have begun earlier)
    await edge.reload();
  };
  const who = async (host: string, p = '/', headers = {}) => {
    const r = await edgeRequest(edge.url(), host, { path: p, headers });
    return r.status === 200 ? JSON.parse(r.text).server : r.status;
  };
  const status = (name: string) =>
    edge.routers().find(r => r.name === `${name}@file`);

  it('gives a rule its length in bytes as default priority; the longest matching rule wins', async () => {
    await serve({
      short: '{ rule: "PathPrefix(`/my`)", service: a }',
      long: '{ rule: "PathPrefix(`/mypath`)", service: b }',
      utf8: '{ rule: "PathPrefix(`/é`)", service: c }',
    });
    expect(await who('x', '/mypath/1')).toBe('b');
    expect(await who('x', '/my')).toBe('a');
    expect(status('short')?.priority).toBe(17);
    expect(status('utf8')?.priority).toBe(17); // é is 2 bytes
  });

  it('lets an explicit priority beat length, and ignores priority 0', async () => {
    await serve({
      short: '{ rule: "PathPrefix(`/my`)", service: a, priority: 20 }',
      long: '{ rule: "PathPrefix(`/mypath`)", service: b, priority: 10 }',
      zero: '{ rule: "PathPrefix(`/mypath/x`)", service: c, priority: 0 }',
    });
    expect(await who('x', '/mypath/1')).toBe('a');
    expect(status('zero')?.priority).toBe('PathPrefix(`/mypath/x`)'.length);
    expect(await who('x', '/mypath/x')).toBe('c'); // 23 > 20
  });

  it('breaks a tie between routers of one provider by name (Traefik leaves that order unspecified)', async () => {
    await serve({
      zeta: '{ rule: "Host(`tie.example`)", service: a }',
      alpha: '{ rule: "PathPrefix(`/tie1`)", service: b }',
    });
    expect(status('zeta')?.priority).toBe(19);
    expect(status('alpha')?.priority).toBe(19);
    expect(await who('tie.example', '/tie1')).toBe('b');
    expect(await who('tie.example', '/')).toBe('a');
    await serve({
      zeta: '{ rule: "Host(`tie.example`)", service: a, priority: 5 }',
      alpha: '{ rule: "Host(`tie.example`)", service: b, priority: 5 }',
      beta: '{ rule: "Host(`tie.example`)", service: c, priority: 4 }',
    });
    expect(await who('tie.example')).toBe('b');
  });

  it('refuses a priority over Traefik’s maximum, and a rule Traefik refuses, serving the others', async () => {
    await serve({
      huge: '{ rule: "Host(`huge.example`)", service: a, priority: 9223372036854775807 }',
      bad: '{ rule: "Host(``)", service: a }',
      lower: '{ rule: "host(`ok.example`)", service: b }',
    });
    expect(status('huge')?.error).toMatch('exceeds the max user-defined priority 9223372036854774807');
    expect(status('bad')?.error).toBe(
      'error while parsing rule Host(``): adding rule Host(``): error while checking rule Host: empty args for matcher Host, []',
    );
    expect(await who('huge.example')).toBe(404);
    expect(await who('ok.example')).toBe('b');
  }); // prettier-ignore

  it('parses every ruleSyntax but v2 with the v3 parser, warning that the option is deprecated', async () => {
    await serve({
      v3: '{ rule: "Host(`v3.example`)", service: a, ruleSyntax: v3 }',
      other: '{ rule: "Host(`other.example`)", service: b, ruleSyntax: V2 }',
      v2: '{ rule: "Host(`v2.example`)", service: c, ruleSyntax: v2 }',
    });
    expect(await who('v3.example')).toBe('a');
    expect(await who('other.example')).toBe('b');
    expect(status('v2')?.error).toBe('ruleSyntax v2 is not simulated by the lab edge');
    expect(logger.lines).toContainEqual(
      expect.stringMatching(/^WARN router other@file: Router's `ruleSyntax` option is deprecated/),
    );
  }); // prettier-ignore

  /** Sends a raw HTTP/1.1 request head to the edge; answers the status line and body. */
  const raw = (head: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = net.connect(Number(new URL(edge.url()).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const split = text.indexOf('\r\n\r\n');
        let body = text.slice(split + 4);
        if (/transfer-encoding: chunked/i.test(text.slice(0, split))) {
          let rest = body;
          body = '';
          for (;;) {
            const eol = rest.indexOf('\r\n');
            const size = parseInt(rest.slice(0, eol), 16);
            if (!size) break;
            body += rest.slice(eol + 2, eol + 2 + size);
            rest = rest.slice(eol + 2 + size + 2);
          }
        }
        resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), body });
      });
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
    });

  it('routes an absolute-form request by the URI host and forwards that host', async () => {
    await serve({
      com: '{ rule: "Host(`example.com`)", service: a }',
      org: '{ rule: "Host(`example.org`)", service: b }',
      v6: '{ rule: "Host(`::1`)", service: c }',
    });
    const r = await raw(
      'GET http://example.com/p HTTP/1.1\r\nHost: example.org',
    );
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.server).toBe('a');
    expect(body.headers.host).toBe('example.com');
    expect(body.headers['x-forwarded-host']).toBe('example.com');
    expect(body.url).toBe('/p');
    expect(await who('[::1]:8000')).toBe('c');
  });

  it('answers 400 before routing where Traefik does', async () => {
    await serve({ all: '{ rule: "PathPrefix(`/`)", service: a }' });
    expect((await raw('GET /a#b HTTP/1.1\r\nHost: x')).status).toBe(400);
    expect((await raw('GET / HTTP/1.1\r\nHost: x\r\nHost: y')).status).toBe(
      400,
    );
    expect((await raw('GET / HTTP/1.1\r\nHost: x')).status).toBe(200);
  });
});
