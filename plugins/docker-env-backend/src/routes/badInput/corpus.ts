/**
 * The bad-input corpus of issue 21: every write endpoint with names, sizes, dates, bodies, content types, unknown
 * fields and huge values it must refuse. `field` is what the 400's message must name (a field path, or `body` /
 * `content-type` for the request as a whole).
 */
export interface BadInput {
  what: string;
  method: 'post' | 'put' | 'patch' | 'delete';
  /** `{env}` is replaced by a ready environment of alice's, `{token}`'s header by its deployment token. */
  path: string;
  as: 'alice' | 'root' | 'token';
  body?: unknown;
  /** Raw body with this content type instead of JSON. */
  raw?: { type: string; text: string };
  status: number;
  field: string;
}

const huge = 'x'.repeat(100_000);
const deployment = { image: 'nginx:1.27', container: 'web', port: 80 };

const create = (what: string, body: unknown, field: string): BadInput => ({
  what: `create: ${what}`,
  method: 'post',
  path: '/environments',
  as: 'alice',
  body,
  status: 400,
  field,
});
const ok = { name: 'corpus-new', owner: 'user:default/alice', size: 'S' };

const deploy = (what: string, body: unknown, field: string): BadInput => ({
  what: `deploy: ${what}`,
  method: 'post',
  path: '/environments/{env}/deployments',
  as: 'token',
  body,
  status: 400,
  field,
});

const token = (what: string, body: unknown, field: string): BadInput => ({
  what: `token: ${what}`,
  method: 'post',
  path: '/environments/{env}/tokens',
  as: 'alice',
  body,
  status: 400,
  field,
});

const quota = (
  what: string,
  body: unknown,
  field: string,
  ref = 'group:default/team-a',
): BadInput => ({
  what: `quota: ${what}`,
  method: 'put',
  path: `/quotas/${encodeURIComponent(ref)}`,
  as: 'root',
  body,
  status: 400,
  field,
});

/** The corpus. */
export const BAD_INPUTS: BadInput[] = [
  create('name with capitals', { ...ok, name: 'Shop' }, 'name'),
  create('name too long', { ...ok, name: 'a'.repeat(64) }, 'name'),
  create('name with a dot', { ...ok, name: 'a.b' }, 'name'),
  create('name of 100 kB', { ...ok, name: huge }, 'name'),
  create('unknown size', { ...ok, size: 'XL' }, 'size'),
  create('unknown field', { ...ok, privileged: true }, 'privileged'),
  create('owner not an entity ref', { ...ok, owner: 'alice' }, 'owner'),
  create(
    'expiresOn 2027-02-31',
    { ...ok, expiresOn: '2027-02-31' },
    'expiresOn',
  ),
  create(
    'expiresOn 2027-13-01',
    { ...ok, expiresOn: '2027-13-01' },
    'expiresOn',
  ),
  create('expiresOn not a date', { ...ok, expiresOn: 'tomorrow' }, 'expiresOn'),
  create('purpose of 100 kB', { ...ok, purpose: huge }, 'purpose'),
  create(
    'cpuCores 1e308',
    { ...ok, size: undefined, cpuCores: 1e308, memoryMb: 1024, diskGb: 8 },
    'cpuCores',
  ),
  create('body an array', [ok], 'body'),
  create('body a string', 'shop', 'body'),
  {
    what: 'create: text/plain',
    method: 'post',
    path: '/environments',
    as: 'alice',
    raw: { type: 'text/plain', text: JSON.stringify(ok) },
    status: 415,
    field: 'content-type',
  },
  {
    what: 'create: form encoded',
    method: 'post',
    path: '/environments',
    as: 'alice',
    raw: { type: 'application/x-www-form-urlencoded', text: 'name=shop' },
    status: 415,
    field: 'content-type',
  },
  {
    what: 'extend: expiresOn 2027-02-31',
    method: 'patch',
    path: '/environments/{env}',
    as: 'alice',
    body: { expiresOn: '2027-02-31' },
    status: 400,
    field: 'expiresOn',
  },
  {
    what: 'extend: unknown field',
    method: 'patch',
    path: '/environments/{env}',
    as: 'alice',
    body: { expiresOn: '2030-01-01', owner: 'user:default/bob' },
    status: 400,
    field: 'owner',
  },
  token('expiresOn 2027-02-31', { expiresOn: '2027-02-31' }, 'expiresOn'),
  token('expiresOn garbage', { expiresOn: 'never' }, 'expiresOn'),
  token('unknown field', { description: 'x', scope: 'all' }, 'scope'),
  token('description of 100 kB', { description: huge }, 'description'),
  deploy(
    'unknown field privileged',
    { ...deployment, privileged: true },
    'privileged',
  ),
  deploy(
    'unknown field network_mode',
    { ...deployment, network_mode: 'host' },
    'network_mode',
  ),
  deploy(
    'mistyped healthpath',
    { ...deployment, healthpath: '/health' },
    'healthpath',
  ),
  deploy(
    'command (not a request field)',
    { ...deployment, command: ['sh'] },
    'command',
  ),
  deploy('port 0', { ...deployment, port: 0 }, 'port'),
  deploy('port 70000', { ...deployment, port: 70000 }, 'port'),
  deploy('port a string', { ...deployment, port: '80' }, 'port'),
  deploy(
    'image with spaces',
    { ...deployment, image: 'nginx latest' },
    'image',
  ),
  deploy('image of 100 kB', { ...deployment, image: huge }, 'image'),
  deploy(
    'container with capitals',
    { ...deployment, container: 'Web' },
    'container',
  ),
  deploy('container missing', { image: 'nginx:1.27', port: 80 }, 'container'),
  deploy('env key with "="', { ...deployment, env: { 'A=B': 'x' } }, 'env'),
  deploy('env value a number', { ...deployment, env: { A: 1 } }, 'env.A'),
  deploy('env an array', { ...deployment, env: ['A=1'] }, 'env'),
  deploy(
    'reserved label',
    { ...deployment, labels: { 'io.docker-env.x': '1' } },
    'labels',
  ),
  deploy(
    'healthPath without "/"',
    { ...deployment, healthPath: 'health' },
    'healthPath',
  ),
  deploy('primary a string', { ...deployment, primary: 'yes' }, 'primary'),
  deploy(
    'registryAuth without password',
    { ...deployment, registryAuth: { username: 'ci' } },
    'registryAuth.password',
  ),
  deploy('body an array', [deployment], 'body'),
  {
    what: 'deploy: text/plain',
    method: 'post',
    path: '/environments/{env}/deployments',
    as: 'token',
    raw: { type: 'text/plain', text: JSON.stringify(deployment) },
    status: 415,
    field: 'content-type',
  },
  quota('cpuCores 1e308', { cpuCores: 1e308 }, 'cpuCores'),
  quota('memoryMb above the bound', { memoryMb: 1e12 }, 'memoryMb'),
  quota('negative', { diskGb: -1 }, 'diskGb'),
  quota('fraction', { environments: 1.5 }, 'environments'),
  quota('unknown field', { gpus: 1 }, 'gpus'),
  quota(
    'owner the catalog does not know',
    { cpuCores: 4 },
    'entityRef',
    'group:default/no-such-team',
  ),
  quota('not an entity ref', { cpuCores: 4 }, 'entityRef', 'team-a'),
  {
    what: 'snapshot: description of 100 kB',
    method: 'post',
    path: '/environments/{env}/snapshots',
    as: 'alice',
    body: { description: huge },
    status: 400,
    field: 'description',
  },
  {
    what: 'snapshot: unknown field',
    method: 'post',
    path: '/environments/{env}/snapshots',
    as: 'alice',
    body: { description: 'x', memory: true },
    status: 400,
    field: 'memory',
  },
  {
    what: 'reject: reason of 100 kB',
    method: 'post',
    path: '/requests/00000000-0000-4000-8000-000000000000/reject',
    as: 'root',
    body: { reason: huge },
    status: 400,
    field: 'reason',
  },
];
