import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { Dns01Publisher } from './acme';
import { createCa, issueServerCert } from './pki';

/** Debian's pebble package (scripts/deps/debian.txt): Let's Encrypt's test ACME server and its DNS test server. */
export const PEBBLE_BIN = 'pebble';
/** See {@link PEBBLE_BIN}. */
export const CHALLTESTSRV_BIN = 'pebble-challtestsrv';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = new URL(url);
    const data = JSON.stringify(body);
    const r = http.request(
      req,
      {
        method: 'POST',
        timeout: 5000,
        headers: { 'content-length': Buffer.byteLength(data) },
      },
      res => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`${url}: status ${res.statusCode}`)),
        );
      },
    );
    r.on('timeout', () => r.destroy(new Error(`${url}: timed out`)));
    r.on('error', reject);
    r.end(data);
  });
}

function get(
  url: string,
  ca: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const r = https.get(url, { ca, timeout: 5000 }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', c => {
        if (text.length < 1024 * 1024) text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    r.on('timeout', () => r.destroy(new Error(`${url}: timed out`)));
    r.on('error', reject);
  });
}

/** A running pebble with its DNS test server, both on 127.0.0.1 only. */
export interface Pebble {
  /** The ACME directory URL. */
  directoryUrl: string;
  /** Verifies pebble's own HTTPS (its API), not the certificates it issues. */
  apiCa: string;
  /** The root of the certificates it issues (changes at each start): from its management `/roots/0`. */
  root: string;
  /** Publishes `_acme-challenge` TXT records in the DNS test server pebble asks. */
  dns: Dns01Publisher;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts `pebble-challtestsrv` (DNS-01 answers only, on 127.0.0.1; every other challenge server off)
 * and `pebble` (its API and management on 127.0.0.1, asking only that DNS server), files in `dir`.
 */
export async function startPebble(dir: string): Promise<Pebble> {
  fs.mkdirSync(dir, { recursive: true });
  const [dnsPort, dnsMgmt, acmePort, acmeMgmt] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const ca = createCa('Pebble API minica', 'docker-env lab');
  const api = issueServerCert(['127.0.0.1', 'localhost'], ca);
  fs.writeFileSync(path.join(dir, 'pebble-api.key'), api.key, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'pebble-api.pem'), api.cert);
  fs.writeFileSync(
    path.join(dir, 'pebble-config.json'),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${acmeMgmt}`,
        certificate: path.join(dir, 'pebble-api.pem'),
        privateKey: path.join(dir, 'pebble-api.key'),
        // HTTP-01 and TLS-ALPN-01 are never asked for; their ports point at nothing of ours
        httpPort: 1,
        tlsPort: 1,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const children: ChildProcess[] = [];
  const log = fs.openSync(path.join(dir, 'pebble.log'), 'a');
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
    fs.closeSync(log);
  };
  try {
    children.push(
      spawn(
        CHALLTESTSRV_BIN,
        [
          '-dns01',
          `127.0.0.1:${dnsPort}`,
          '-management',
          `127.0.0.1:${dnsMgmt}`,
          '-http01',
          '',
          '-https01',
          '',
          '-tlsalpn01',
          '',
          '-defaultIPv4',
          '127.0.0.1',
          '-defaultIPv6',
          '',
        ],
        { stdio: ['ignore', log, log] },
      ),
    );
    children.push(
      spawn(
        PEBBLE_BIN,
        [
          '-config',
          path.join(dir, 'pebble-config.json'),
          '-dnsserver',
          `127.0.0.1:${dnsPort}`,
        ],
        {
          stdio: ['ignore', log, log],
          // no sleeps before validation, no random nonce rejection: the lab's latency is its own
          env: {
            ...process.env,
            PEBBLE_VA_NOSLEEP: '1',
            PEBBLE_WFE_NONCEREJECT: '0',
          },
        },
      ),
    );
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    const deadline = Date.now() + 15_000;
    let root = '';
    for (;;) {
      for (const c of children)
        if (c.exitCode !== null)
          throw new Error(
            `${c.spawnfile} exited: see ${path.join(dir, 'pebble.log')}`,
          );
      try {
        const d = await get(directoryUrl, ca.cert);
        const r = await get(`https://127.0.0.1:${acmeMgmt}/roots/0`, ca.cert);
        await post(`http://127.0.0.1:${dnsMgmt}/clear-txt`, {
          host: '_probe.',
        });
        if (d.status === 200 && r.status === 200) {
          root = r.text;
          break;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(
          `pebble did not start: see ${path.join(dir, 'pebble.log')}`,
        );
      await new Promise(res => setTimeout(res, 100));
    }
    return {
      directoryUrl,
      apiCa: ca.cert,
      root,
      dns: {
        set: (host, value) =>
          post(`http://127.0.0.1:${dnsMgmt}/set-txt`, { host, value }),
        clear: host => post(`http://127.0.0.1:${dnsMgmt}/clear-txt`, { host }),
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
