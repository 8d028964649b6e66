/* eslint-disable no-console */
// `npm run start:prod-lab` (scripts/prod-lab.sh starts PostgreSQL and slapd first): the TLS lab, then the portal's
// backend (serving the app) started the production way: `--config app-config.yaml --config app-config.production.yaml`,
// every value from environment variables (examples/production.env lists them), NODE_EXTRA_CA_CERTS holding the lab's
// CAs, and one more file with `dockerEnv.allowLoopbackTargets: true` (production mode against the lab only).
// Prints `prod-lab ready: backend <url> edge-https <host:port> ca <path> domain <base domain>` once it answers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startLab } from '@docker-env/lab';
import { Client } from 'pg';

const ROOT = path.resolve(__dirname, '..', '..');
const DB_PREFIX = 'prodlab_';

/** Drops the databases an earlier run left (their records name CTs the new lab never had). */
async function dropOldDatabases(url: URL) {
  const client = new Client({
    host: url.hostname,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: 'postgres',
    connectionTimeoutMillis: 5000,
  });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${DB_PREFIX}%`],
    );
    for (const { datname } of rows)
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const num = (name: string, fallback: number) =>
  Number(process.env[name] ?? fallback);

async function main() {
  const dir = path.resolve(
    process.env.PROD_LAB_DIR ?? path.join(ROOT, '.lab-data', 'prod-lab'),
  );
  const backendPort = num('PROD_LAB_BACKEND_PORT', 7207);
  const pausedPort = num('PROD_LAB_PAUSED_PORT', 7208);
  const domain = process.env.PROD_LAB_DOMAIN ?? 'docker-env.test';
  const backendUrl = `http://127.0.0.1:${backendPort}`;
  // every run starts afresh: new CAs, credentials, routes and pebble root
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const lab = await startLab({
    latencyScale: num('PROD_LAB_LATENCY_SCALE', 1),
    tls: {
      caDir: path.join(dir, 'ca'),
      domain,
      resolver: 'lab-acme',
      httpsPort: num('PROD_LAB_EDGE_HTTPS_PORT', 18443),
    },
    edge: {
      directory: path.join(dir, 'routes'),
      port: num('PROD_LAB_EDGE_HTTP_PORT', 18480),
      logger: {
        info() {},
        warn: m => console.error(`edge: ${m}`),
        error: m => console.error(`edge: ${m}`),
      },
    },
    gitlab: { redirectUris: [`${backendUrl}/api/auth/gitlab/handler/frame`] },
  });
  const tls = lab.tls!;
  const edge = tls.edge!;
  const extraConfig = path.join(dir, 'app-config.prod-lab.yaml');
  fs.writeFileSync(
    extraConfig,
    [
      '# written by scripts/prod-lab/main.ts: production mode against the lab (never a real installation)',
      'dockerEnv:',
      '  allowLoopbackTargets: true',
      // app-config.yaml's 7007 is the embedded default's
      'backend:',
      '  listen:',
      `    port: ${backendPort}`,
      // databases of their own, dropped at each start: a fresh lab needs a fresh portal
      '  database:',
      `    prefix: ${DB_PREFIX}`,
      '',
    ].join('\n'),
  );
  const pg = new URL(
    process.env.DOCKER_ENV_TEST_POSTGRES_URL ??
      'postgresql://postgres@127.0.0.1:25432',
  );
  await dropOldDatabases(pg);
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    NODE_EXTRA_CA_CERTS: tls.caFiles.bundle,
    APP_BASE_URL: backendUrl,
    BACKEND_BASE_URL: backendUrl,
    BACKEND_LISTEN_HOST: '127.0.0.1',
    POSTGRES_HOST: pg.hostname,
    POSTGRES_PORT: pg.port,
    POSTGRES_USER: decodeURIComponent(pg.username),
    POSTGRES_PASSWORD: decodeURIComponent(pg.password),
    AUTH_GITLAB_CLIENT_ID: lab.gitlabLogin.clientId,
    AUTH_GITLAB_CLIENT_SECRET: lab.gitlabLogin.clientSecret,
    AUTH_GITLAB_AUDIENCE: lab.gitlab.url,
    LDAP_URL: process.env.DOCKER_ENV_TEST_LDAP_URL ?? '',
    LDAP_BIND_DN: process.env.DOCKER_ENV_TEST_LDAP_BIND_DN ?? '',
    LDAP_BIND_PASSWORD: process.env.DOCKER_ENV_TEST_LDAP_BIND_PASSWORD ?? '',
    LDAP_USER_BASE: `ou=people,${process.env.DOCKER_ENV_TEST_LDAP_BASE_DN}`,
    LDAP_GROUP_BASE: `ou=groups,${process.env.DOCKER_ENV_TEST_LDAP_BASE_DN}`,
    // nothing listens there: mail is not part of this run
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '1',
    SMTP_USER: 'portal',
    SMTP_PASSWORD: 'unused',
    SMTP_SENDER: 'portal@docker-env.test',
    DOCKER_ENV_ADMINS: 'group:default/team-c',
    PROXMOX_URL: lab.urls.proxmox.replace(/\/api2\/json$/, ''),
    PROXMOX_NODE: lab.proxmox.state.node,
    PROXMOX_TOKEN_ID: lab.credentials.proxmox.tokenId,
    PROXMOX_TOKEN_SECRET: lab.credentials.proxmox.tokenSecret,
    NETBOX_URL: lab.urls.netbox,
    NETBOX_TOKEN: lab.credentials.netbox.token,
    PORTAINER_URL: lab.urls.portainer.replace(/\/api$/, ''),
    PORTAINER_API_KEY: lab.credentials.portainer.apiKey,
    DOCKER_ENV_BASE_DOMAIN: domain,
    TRAEFIK_CERT_RESOLVER: edge.resolver,
    TRAEFIK_ROUTES_DIR: lab.edge!.directory,
    DOCKER_ENV_BACKUP_STORAGE: 'backup',
    DOCKER_ENV_PAUSED_ROUTE_URL: `http://127.0.0.1:${pausedPort}`,
    DOCKER_ENV_PAUSED_PAGE_HOST: '127.0.0.1',
    DOCKER_ENV_PAUSED_PAGE_PORT: String(pausedPort),
    DOCKER_ENV_PUBLIC_PORT: edge.httpsHost.split(':')[1],
    DOCKER_ENV_DEPLOY_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
  fs.writeFileSync(
    path.join(dir, 'production.env'),
    `${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  const log = fs.openSync(path.join(dir, 'backend.log'), 'a');
  const backend = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(ROOT, 'packages', 'backend', 'src', 'index.ts'),
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
      '--config',
      extraConfig,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', log, log],
      // production mode reads no BACKSTAGE_ENV layer and nothing of the caller's lab settings
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...env,
      },
    },
  );
  const stop = async (code: number) => {
    if (backend.exitCode === null && backend.signalCode === null) {
      backend.kill('SIGTERM');
      await new Promise(r => backend.once('exit', r));
    }
    await lab.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  backend.once('exit', c => {
    console.error(
      `prod-lab: the backend exited (${c}); see ${path.join(
        dir,
        'backend.log',
      )}`,
    );
    void stop(1);
  });
  const deadline = Date.now() + num('PROD_LAB_START_TIMEOUT_S', 300) * 1000;
  for (;;) {
    const ok = await fetch(`${backendUrl}/.backstage/health/v1/readiness`, {
      signal: AbortSignal.timeout(2000),
    })
      .then(r => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      console.error(
        `prod-lab: the backend did not answer in time; see ${path.join(
          dir,
          'backend.log',
        )}`,
      );
      await stop(1);
    }
    await new Promise(r => setTimeout(r, 500));
  }
  fs.writeFileSync(
    path.join(dir, 'prod-lab.json'),
    JSON.stringify(
      {
        backend: backendUrl,
        edgeHttps: edge.httpsHost,
        ca: tls.caFiles.bundle,
        domain,
        gitlab: { url: lab.gitlab.url, users: lab.gitlabLogin.users },
        pebbleRoot: tls.caFiles.acmeRoot,
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  console.log(
    `prod-lab ready: backend ${backendUrl} edge-https ${edge.httpsHost} ca ${tls.caFiles.bundle} domain ${domain}`,
  );
}

main().catch(e => {
  console.error(`prod-lab: ${e?.stack ?? e}`);
  process.exit(1);
});
