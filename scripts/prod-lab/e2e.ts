/* eslint-disable no-console */
// The end-to-end test of production mode against the TLS lab (issue 26), run by scripts/prod-lab-e2e.sh: starts
// `npm run start:prod-lab` (its own ports), signs in through the lab GitLab following the real redirects, provisions
// from the template (golden-template path), checks the environment's URL over HTTPS (certificate verified by pebble's
// root for <name>.<domain>), deploys from "CI" with a deploy token, pauses, resumes, snapshots and deletes.
// Prints `prod-lab e2e: ok ...` or `prod-lab e2e: FAILED ...`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';

const ROOT = path.resolve(__dirname, '..', '..');
const NAME = 'e2e-tls';
const t0 = Date.now();
const timings: Record<string, number> = {};
let mark = Date.now();
const step = (name: string) => {
  timings[name] = Date.now() - mark;
  mark = Date.now();
};

function fail(message: string): never {
  throw new Error(message);
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) fail(`${what}: not within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 500));
  }
}

/** A browser-like client: cookies kept, each redirect followed by hand (so every hop is the real one). */
function browser() {
  const jar = new Map<string, string>();
  return async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const kv = c.split(';')[0];
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    return res;
  };
}

interface ProdLab {
  backend: string;
  edgeHttps: string;
  domain: string;
  gitlab: { url: string; users: Array<{ username: string; password: string }> };
  pebbleRoot: string;
}

async function signIn(lab: ProdLab, username: string): Promise<string> {
  const go = browser();
  const user = lab.gitlab.users.find(u => u.username === username)!;
  let res = await go(
    `${
      lab.backend
    }/api/auth/gitlab/start?scope=read_user&env=production&origin=${encodeURIComponent(
      lab.backend,
    )}`,
  );
  let location =
    res.headers.get('location') ?? fail(`auth start answered ${res.status}`);
  if (!location.startsWith(`${lab.gitlab.url}/oauth/authorize?`))
    fail(`auth start went to ${location}`);
  res = await go(location);
  location = new URL(
    res.headers.get('location') ?? fail('authorize did not ask to sign in'),
    lab.gitlab.url,
  ).toString();
  const page = await (await go(location)).text();
  const csrf =
    /name="authenticity_token" value="([^"]+)"/.exec(page)?.[1] ??
    fail('no sign-in form');
  const returnTo = (
    /name="return_to" value="([^"]+)"/.exec(page)?.[1] ?? ''
  ).replace(/&amp;/g, '&');
  res = await go(`${lab.gitlab.url}/users/sign_in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      authenticity_token: csrf,
      return_to: returnTo,
      'user[login]': username,
      'user[password]': user.password,
    }),
  });
  if (res.status !== 302) fail(`GitLab sign-in answered ${res.status}`);
  res = await go(
    new URL(res.headers.get('location')!, lab.gitlab.url).toString(),
  );
  location = res.headers.get('location') ?? fail('authorize gave no callback');
  if (
    !location.startsWith(`${lab.backend}/api/auth/gitlab/handler/frame?code=`)
  )
    fail(`callback ${location}`);
  res = await go(location);
  if (res.status !== 200)
    fail(`the backend's handler answered ${res.status}: ${await res.text()}`);
  res = await go(
    `${lab.backend}/api/auth/gitlab/refresh?optional&env=production`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  const body = await res.json();
  if (
    body.backstageIdentity?.identity?.userEntityRef !==
    `user:default/${username}`
  )
    fail(`signed in as ${JSON.stringify(body.backstageIdentity?.identity)}`);
  return body.backstageIdentity.token;
}

/** GET https://<host>/ through the edge's websecure entry point, the certificate verified by `ca` for `host`. */
function httpsGet(
  lab: ProdLab,
  host: string,
  ca: string,
): Promise<{ status: number; body: string; altNames: string }> {
  const [address, port] = lab.edgeHttps.split(':');
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: address,
        port: Number(port),
        servername: host,
        headers: { host },
        ca,
        path: '/',
        timeout: 10_000,
      },
      res => {
        const altNames =
          (res.socket as tls.TLSSocket).getPeerCertificate().subjectaltname ??
          '';
        let body = '';
        res.on('data', c => {
          if (body.length < 65536) body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, altNames }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/**
 * The backend serves the app's production build with the production config injected (app-backend); skipped, and
 * said, when the build is missing (npm test builds it in the journey, before this test).
 */
async function checkApp(lab: ProdLab) {
  if (
    !fs.existsSync(path.join(ROOT, 'packages', 'app', 'dist', 'index.html'))
  ) {
    console.log(
      'prod-lab e2e: packages/app/dist is not built: the app check is skipped',
    );
    return;
  }
  const res = await fetch(`${lab.backend}/`, {
    signal: AbortSignal.timeout(15_000),
  });
  const html = await res.text();
  const injected = html.match(
    /<script type="backstage.io\/config">([\s\S]*?)<\/script>/,
  );
  if (!res.ok || !injected)
    fail(`the backend did not serve the app with its config (${res.status})`);
  const configs = JSON.parse(injected[1]) as Array<{ data?: any }>;
  const baseUrl = configs
    .map(c => c.data?.app?.baseUrl)
    .filter(Boolean)
    .pop();
  if (baseUrl !== lab.backend)
    fail(`the app's injected app.baseUrl is ${baseUrl}, not ${lab.backend}`);
  step('app');
}

async function main() {
  const dir = path.join(ROOT, '.tools', 'test-results', 'prod-lab-e2e');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.openSync(path.join(dir, 'prod-lab.log'), 'a');
  const child = spawn('bash', [path.join(ROOT, 'scripts', 'prod-lab.sh')], {
    detached: true,
    stdio: ['ignore', 'pipe', out],
    env: {
      ...process.env,
      PROD_LAB_DIR: path.join(dir, 'lab'),
      PROD_LAB_LATENCY_SCALE: process.env.PROD_LAB_LATENCY_SCALE ?? '0.25',
    },
  });
  let ready = '';
  child.stdout!.on('data', d => {
    ready += d;
    fs.appendFileSync(path.join(dir, 'prod-lab.log'), d);
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone already
    }
  };
  try {
    await waitFor(
      'prod-lab ready',
      async () =>
        /prod-lab ready: .*\n/.test(ready)
          ? true
          : child.exitCode !== null
          ? fail('start:prod-lab exited')
          : undefined,
      240_000,
    );
    step('start');
    const lab: ProdLab = JSON.parse(
      fs.readFileSync(path.join(dir, 'lab', 'prod-lab.json'), 'utf8'),
    );
    const pebbleRoot = fs.readFileSync(lab.pebbleRoot, 'utf8');
    // this process trusts the lab's CAs as a browser with them installed would (NODE_EXTRA_CA_CERTS of the backend)
    const bundle = fs.readFileSync(
      path.join(dir, 'lab', 'ca', 'lab-ca-bundle.pem'),
      'utf8',
    );
    tls.setDefaultCACertificates([
      ...tls.getCACertificates('default'),
      ...bundle
        .split(/(?<=-----END CERTIFICATE-----\n)/)
        .filter(c => c.includes('BEGIN')),
    ]);
    // the catalog reads the users from LDAP shortly after start: sign-in finds alice once it has
    let lastError = '';
    const token = await waitFor(
      'sign-in through the lab GitLab',
      () =>
        signIn(lab, 'alice').catch(e => {
          lastError = (e as Error).message;
          return undefined;
        }),
      90_000,
    ).catch(e => fail(`${(e as Error).message}: ${lastError}`));
    step('sign-in');
    await checkApp(lab);
    const api = async (
      method: string,
      p: string,
      body?: unknown,
      headers: Record<string, string> = { authorization: `Bearer ${token}` },
    ) => {
      const res = await fetch(`${lab.backend}/api/docker-env${p}`, {
        method,
        headers: {
          ...headers,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const settled = async (what: string, status: string) =>
      waitFor(
        what,
        async () => {
          const e = await api('GET', `/environments/${NAME}`);
          if (e.body?.status === 'failed')
            fail(`${what}: failed ${JSON.stringify(e.body)}`);
          return e.body?.status === status ? e.body : undefined;
        },
        120_000,
      );
    const created = await api('POST', '/environments', {
      name: NAME,
      owner: 'user:default/alice',
      size: 'S',
    });
    if (created.status !== 202)
      fail(`create answered ${created.status} ${JSON.stringify(created.body)}`);
    const env = await settled('provisioning', 'ready');
    step('provision');
    const host = `${NAME}.${lab.domain}`;
    const served = await waitFor(
      'the environment over HTTPS',
      async () => {
        const r = await httpsGet(lab, host, pebbleRoot).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      60_000,
    );
    if (
      !served.altNames
        .split(', ')
        .some(n => n === `DNS:${host}` || n === `DNS:*.${lab.domain}`)
    )
      fail(`certificate names ${served.altNames}, not ${host}`);
    step('https');
    const deployToken = await api('POST', `/environments/${NAME}/tokens`, {
      description: 'gitlab-ci',
    });
    if (deployToken.status !== 201 && deployToken.status !== 200)
      fail(`token answered ${deployToken.status}`);
    const deploy = await api(
      'POST',
      `/environments/${NAME}/deployments`,
      {
        image: 'traefik/whoami:latest',
        container: 'web',
        port: 80,
        healthPath: '/',
      },
      { 'x-deploy-token': deployToken.body.token },
    );
    if (deploy.status !== 202)
      fail(
        `deployment answered ${deploy.status} ${JSON.stringify(deploy.body)}`,
      );
    const deploymentId = deploy.body.id ?? deploy.body.deployment?.id;
    await waitFor(
      'the deployment',
      async () => {
        const d = await api(
          'GET',
          `/environments/${NAME}/deployments/${deploymentId}`,
        );
        if (d.body?.status === 'failed' || d.body?.status === 'rolled_back')
          fail(`deployment ${JSON.stringify(d.body)}`);
        return d.body?.status === 'succeeded' ? d.body : undefined;
      },
      120_000,
    );
    step('deploy');
    for (const [action, done] of [
      ['pause', 'paused'],
      ['resume', 'ready'],
    ] as const) {
      const r = await api('POST', `/environments/${NAME}/${action}`);
      if (r.status !== 202)
        fail(`${action} answered ${r.status} ${JSON.stringify(r.body)}`);
      await settled(action, done);
      step(action);
    }
    const snap = await api('POST', `/environments/${NAME}/snapshots`, {
      description: 'e2e',
    });
    if (snap.status !== 202)
      fail(`snapshot answered ${snap.status} ${JSON.stringify(snap.body)}`);
    await waitFor(
      'the snapshot',
      async () => {
        const s = await api('GET', `/environments/${NAME}/snapshots`);
        const list = Array.isArray(s.body)
          ? s.body
          : s.body?.items ?? s.body?.snapshots ?? [];
        return list.some((x: any) => x.description === 'e2e')
          ? true
          : undefined;
      },
      120_000,
    );
    step('snapshot');
    const del = await api(
      'DELETE',
      `/environments/${NAME}?confirmName=${NAME}`,
    );
    if (del.status !== 202)
      fail(`delete answered ${del.status} ${JSON.stringify(del.body)}`);
    await settled('delete', 'deleted');
    step('delete');
    fs.writeFileSync(
      path.join(dir, 'timings.json'),
      JSON.stringify({ ...timings, vmid: env.vmid }, null, 2),
    );
    console.log(
      `prod-lab e2e: ok in ${Math.round(
        (Date.now() - t0) / 1000,
      )} s ${JSON.stringify(timings)}`,
    );
  } finally {
    stop();
  }
}

main().catch(e => {
  console.log(
    `prod-lab e2e: FAILED - ${
      (e as Error).message
    } (logs in .tools/test-results/prod-lab-e2e/)`,
  );
  process.exitCode = 1;
});
