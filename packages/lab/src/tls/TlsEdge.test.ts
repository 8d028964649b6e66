import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { startTlsEdge, type TlsEdge } from './edgeTls';
import { makeLabTls } from './labTls';

jest.setTimeout(60_000);

const DOMAIN = 'docker-env.test';

/** The certificate the edge presents for `servername`, and whether `ca` verifies it for that name. */
function handshake(
  hostPort: string,
  servername: string,
  ca: string,
): Promise<{ authorized: boolean; subject: string; altNames: string }> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host, port: Number(port), servername, ca, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate();
        resolve({
          authorized: socket.authorized,
          subject: String(cert.subject.CN),
          altNames: cert.subjectaltname ?? '',
        });
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

/** GET through the edge's websecure entry point, verifying with `ca` for `host`. */
function get(hostPort: string, host: string, ca: string): Promise<string> {
  const [addr, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    https
      .get(
        {
          host: addr,
          port: Number(port),
          servername: host,
          headers: { host },
          ca,
          path: '/',
          timeout: 5000,
        },
        res => {
          let body = '';
          res.on('data', c => (body += c));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        },
      )
      .on('error', reject);
  });
}

// NOT UNDERSTOOD: one clean-clone run failed here once with OpenSSL's "asn1 encoding routines::illegal padding"
// (not reproduced in 11 runs; the certificates' serials were made minimal DER since). One retry, logged, until the
// cause is found: a real fault fails both tries.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('the TLS lab edge: websecure and the ACME resolver through pebble', () => {
  let dir: string;
  let edge: TlsEdge;
  let backend: http.Server;
  let backendUrl: string;
  let root: string;
  let bundle: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-edge-'));
    const { caFiles } = makeLabTls({ caDir: path.join(dir, 'ca') });
    backend = http.createServer((req, res) =>
      res.end(`hello ${req.headers.host}`),
    );
    await new Promise<void>(r => backend.listen(0, '127.0.0.1', r));
    backendUrl = `http://127.0.0.1:${(backend.address() as any).port}`;
    edge = await startTlsEdge({
      directory: path.join(dir, 'routes'),
      caFiles,
      domain: DOMAIN,
      resolver: 'lab-acme',
      logger: { info() {}, warn() {}, error() {} },
    });
    root = fs.readFileSync(caFiles.acmeRoot, 'utf8');
    bundle = fs.readFileSync(caFiles.bundle, 'utf8');
  });
  afterAll(async () => {
    await edge?.stop();
    backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const route = (name: string, router: Record<string, unknown>) =>
    fs.writeFileSync(
      path.join(dir, 'routes', `${name}.yml`),
      JSON.stringify({
        http: {
          routers: {
            [name]: { entryPoints: ['websecure'], service: name, ...router },
          },
          services: {
            [name]: { loadBalancer: { servers: [{ url: backendUrl }] } },
          },
        },
      }),
    );

  it('holds the resolver-issued wildcard as default, the self-signed one outside the domain', async () => {
    // pebble's root (new each start) joins the lab's CA bundle
    expect(bundle).toContain(root.trim());
    const inside = await handshake(edge.httpsHost, `web.${DOMAIN}`, root);
    expect(inside.authorized).toBe(true);
    expect(inside.altNames).toContain(`DNS:*.${DOMAIN}`);
    expect((await handshake(edge.httpsHost, DOMAIN, root)).authorized).toBe(
      true,
    );
    const outside = await handshake(edge.httpsHost, 'shop.example.org', root);
    expect(outside).toMatchObject({
      authorized: false,
      subject: 'TRAEFIK DEFAULT CERT',
    });
  });

  it('obtains exactly the domains a resolver route names, and a route without resolver gets the default', async () => {
    const host = `deep.team.${DOMAIN}`;
    // one label below the wildcard's reach: self-signed until the resolver has its certificate
    expect((await handshake(edge.httpsHost, host, root)).subject).toBe(
      'TRAEFIK DEFAULT CERT',
    );
    const written = performance.now();
    route('deep', {
      rule: `Host(\`${host}\`)`,
      tls: { certResolver: 'lab-acme', domains: [{ main: host }] },
    });
    const servedAt = await edge.certificates.whenServed([host]);
    expect(servedAt - written).toBeLessThan(30_000);
    const got = await handshake(edge.httpsHost, host, root);
    expect(got).toMatchObject({ authorized: true, altNames: `DNS:${host}` });
    expect(await get(edge.httpsHost, host, root)).toBe(`200 hello ${host}`);

    const plain = `plain.team.${DOMAIN}`;
    route('plain', { rule: `Host(\`${plain}\`)`, tls: {} });
    await edge.edge.nextReload();
    await new Promise(r => setTimeout(r, 300));
    expect(edge.certificates.servedAt([plain])).toBeUndefined();
    expect((await handshake(edge.httpsHost, plain, root)).subject).toBe(
      'TRAEFIK DEFAULT CERT',
    );
  });

  it('redirects web to websecure', async () => {
    const webPort = new URL(edge.edge.url('web')).port;
    // fetch cannot set Host: a raw request, as a browser typing http://app.<domain>/ sends it
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(
          {
            host: '127.0.0.1',
            port: Number(webPort),
            path: '/x?y=1',
            headers: { host: `app.${DOMAIN}` },
          },
          resolve,
        )
        .on('error', reject),
    );
    res.resume();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe(
      `https://app.${DOMAIN}:${edge.httpsHost.split(':')[1]}/x?y=1`,
    );
  });
});
