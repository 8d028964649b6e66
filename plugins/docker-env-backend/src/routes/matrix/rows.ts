/** Who calls: no credentials, a user of another team, a member of the owning group, the owner, an admin, a service
 * principal, a deployment token of this environment and one of another environment. */
export const PRINCIPALS = [
  'anonymous',
  'other',
  'member',
  'owner',
  'admin',
  'service',
  'token-this',
  'token-other',
] as const;

/** One of {@link PRINCIPALS}. */
export type Principal = (typeof PRINCIPALS)[number];

/** What the answer must be: any but 401/403 (`allowed`), 401 or 403. */
export type Outcome = 'allowed' | 401 | 403;

/** A route's row: its expected outcome per principal, and the query and body that pass the spec's validation. */
export interface Row {
  expect(p: Principal): Outcome;
  query?: string;
  body?: unknown;
}

const users = ['other', 'member', 'owner', 'admin'];

/** Any signed-in user; services too when `service` says so. */
const signedIn =
  (service: Outcome = 'allowed') =>
  (p: Principal): Outcome => {
    if (users.includes(p)) return 'allowed';
    if (p === 'service') return service;
    return 401;
  };
/** The environment's owners (the owner, the owning group's members) and admins; others 403. */
const environment =
  (service: Outcome) =>
  (p: Principal): Outcome => {
    if (p === 'other') return 403;
    if (users.includes(p)) return 'allowed';
    if (p === 'service') return service;
    return 401;
  };
const read = environment('allowed');
/** Reads a service principal may not do (containers, logs, drift, audit, quotas: users' views). */
const userRead = environment(403);
const write = environment(403);
/** Admins only. */
const admin = (p: Principal): Outcome => {
  if (p === 'admin') return 'allowed';
  if (p === 'other' || p === 'member' || p === 'owner' || p === 'service')
    return 403;
  return 401;
};
/** The deployment-token route: this environment's token only. */
const tokenOnly = (p: Principal): Outcome => {
  if (p === 'token-this') return 'allowed';
  if (p === 'token-other') return 403;
  return 401;
};
/** A deployment: its environment's token, or a reader. */
const tokenOrRead = (p: Principal): Outcome => {
  if (p === 'token-this') return 'allowed';
  if (p === 'token-other') return 403;
  return read(p);
};

const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

/**
 * Every operation of the spec (`src/api/spec` of the common library), `METHOD /path`, and variants of one
 * (`METHOD /path variant`: another body for a route with a permission per field).
 */
export const ROWS: Record<string, Row> = {
  'GET /health': { expect: () => 'allowed' },
  // the status page: admins, and services (monitoring); other users 403
  'GET /status': {
    expect: p => (p === 'admin' || p === 'service' ? 'allowed' : admin(p)),
  },
  'GET /names/{name}': { expect: signedIn() },
  'GET /environments': { expect: signedIn() },
  'POST /environments': {
    expect: p => (p === 'other' ? 403 : signedIn(403)(p)),
    body: { name: 'mx-new', owner: 'group:default/team-a', size: 'S' },
  },
  'GET /environments/{name}': { expect: read },
  'PATCH /environments/{name}': { expect: write, body: { expiresOn: soon } },
  // the same route's other fields, each with its own permission (a third word names the variant)
  'PATCH /environments/{name} resize': {
    expect: write,
    body: { cpuCores: 0 },
  },
  // an owner the catalog does not know: 404 once the permission allows, nothing changes
  'PATCH /environments/{name} transfer': {
    expect: write,
    body: { owner: 'group:default/nobody' },
  },
  'DELETE /environments/{name}': { expect: write },
  'GET /environments/{name}/operations': { expect: read },
  'GET /environments/{name}/containers': { expect: userRead },
  'GET /environments/{name}/containers/{container}/logs': { expect: userRead },
  'GET /environments/{name}/drift': { expect: userRead },
  'GET /environments/{name}/usage': { expect: userRead, query: '?range=hour' },
  'GET /environments/{name}/alert-rules': { expect: userRead },
  'PUT /environments/{name}/alert-rules': {
    expect: write,
    body: { cpu: { thresholdPercent: 80 } },
  },
  // everyone signed in: owners see their environments' incidents (others an empty list), admins all
  'GET /alerts': { expect: signedIn(403), query: '?state=recent' },
  'POST /environments/{name}/pause': { expect: write },
  'POST /environments/{name}/resume': { expect: write },
  'GET /environments/{name}/snapshots': { expect: read },
  'POST /environments/{name}/snapshots': {
    expect: write,
    body: { description: 'matrix' },
  },
  'POST /environments/{name}/snapshots/{snapshot}/rollback': { expect: write },
  'DELETE /environments/{name}/snapshots/{snapshot}': { expect: write },
  'GET /environments/{name}/tokens': { expect: write },
  'POST /environments/{name}/tokens': {
    expect: write,
    body: { description: 'matrix' },
  },
  'DELETE /environments/{name}/tokens/{id}': { expect: write },
  'GET /environments/{name}/deployments': { expect: read },
  'POST /environments/{name}/deployments': {
    expect: tokenOnly,
    body: { image: 'nginx:1.27', container: 'web', port: 80 },
  },
  'GET /environments/{name}/deployments/{id}': { expect: tokenOrRead },
  'GET /audit': { expect: userRead, query: '?environment={name}' },
  'GET /drift': { expect: admin },
  'GET /backups': { expect: admin },
  'POST /backups/{id}/restore': {
    expect: admin,
    body: { name: 'mx-restored' },
  },
  'GET /quotas': { expect: userRead, query: '?owner=group:default/team-a' },
  'GET /quotas/default': { expect: signedIn(403) },
  'GET /quotas/over': { expect: admin },
  'PUT /quotas/{entityRef}': { expect: admin, body: { cpuCores: 8 } },
  'GET /requests': { expect: admin },
  'POST /requests/{id}/approve': { expect: admin },
  'POST /requests/{id}/reject': { expect: admin, body: { reason: 'matrix' } },
  'POST /team-sync': { expect: admin },
};
