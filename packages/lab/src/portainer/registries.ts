import type express from 'express';
import { withEndpoint, policies } from './endpoints';
import { PortainerState, PtRegistry, renderRegistry } from './model';
import {
  type AddRoute,
  badId,
  field,
  findById,
  isReply,
  notFound,
  parseJson,
  perr,
  type Reply,
} from './reply';

/** Runs `fn` on the registry of `req.params.id`, or answers its 400/404. */
export function withRegistry(
  state: PortainerState,
  req: express.Request,
  fn: (r: PtRegistry) => Reply,
): Reply {
  const r = findById(state.registries, req.params.id, 'registry', 'a registry');
  return isReply(r) ? r : fn(r);
}

/** `PUT /api/endpoints/{id}/registries/{registryId}`: the access to a registry on one environment. */
export function registryAccess(
  state: PortainerState,
  req: express.Request,
): Reply {
  if (!/^\d+$/.test(req.params.registryId))
    return badId('registry', req.params.registryId);
  return withEndpoint(state, req, e => {
    const reg = state.registries.find(
      r => r.Id === Number(req.params.registryId),
    );
    // Portainer names the environment when the registry is missing
    if (!reg) return notFound('an environment');
    const body = parseJson(req);
    if (isReply(body)) return body;
    const team = policies(field(body, 'TeamAccessPolicies') ?? null);
    if (isReply(team)) return team;
    const user = policies(field(body, 'UserAccessPolicies') ?? null);
    if (isReply(user)) return user;
    reg.RegistryAccesses[String(e.Id)] = {
      UserAccessPolicies: user,
      TeamAccessPolicies: team,
      Namespaces: null,
    };
    return { status: 204 };
  });
}

/** `POST /api/registries`: 409 for a name, or a URL with the same credentials, in use. */
export function createRegistry(
  state: PortainerState,
  req: express.Request,
  nextId: (kind: string) => number,
): Reply {
  const body = parseJson(req);
  if (isReply(body)) return body;
  const name = field(body, 'name');
  const url = field(body, 'url');
  const type = field(body, 'type');
  const auth = field(body, 'authentication') === true;
  const username = field(body, 'username');
  const password = field(body, 'password');
  if (typeof name !== 'string' || name === '')
    return perr(400, 'Invalid request payload', 'invalid registry name');
  if (typeof url !== 'string' || url === '')
    return perr(400, 'Invalid request payload', 'invalid registry URL');
  if (
    auth &&
    (typeof username !== 'string' ||
      !username ||
      typeof password !== 'string' ||
      !password)
  ) {
    return perr(
      400,
      'Invalid request payload',
      'invalid credentials. Username and password must be specified when authentication is enabled',
    );
  }
  if (typeof type !== 'number' || type < 1 || type > 7) {
    return perr(
      400,
      'Invalid request payload',
      'invalid registry type. Valid values are: 1 (Quay.io), 2 (Azure container registry), 3 (custom registry), 4 (Gitlab registry), 5 (ProGet registry), 6 (DockerHub), 7 (ECR)',
    );
  }
  const reg: PtRegistry = {
    Id: 0,
    Type: type,
    Name: name,
    URL: url,
    BaseURL: '',
    Authentication: auth,
    Username: auth ? (username as string) : '',
    Password: auth ? (password as string) : '',
    RegistryAccesses: {},
  };
  for (const r of state.registries) {
    if (r.Name === reg.Name) {
      return perr(
        409,
        'Another registry with the same name already exists',
        'a registry is already defined with this name',
      );
    }
    if (
      r.URL === reg.URL &&
      r.Authentication === reg.Authentication &&
      (!reg.Authentication ||
        (r.Username === reg.Username && r.Password === reg.Password))
    ) {
      return perr(
        409,
        'Another registry with the same URL and credentials already exists',
        'a registry is already defined for this URL and credentials',
      );
    }
  }
  reg.Id = nextId('registry');
  state.registries.push(reg);
  return { status: 200, body: renderRegistry(reg) };
}

/**
 * `PUT /api/registries/{id}`: name, URL, credentials (kept when not sent; cleared when
 * `authentication` is false) and, when sent, the whole `registryAccesses` map, which replaces the
 * stored one (callers read, merge and write it back).
 */
export function updateRegistry(
  state: PortainerState,
  req: express.Request,
): Reply {
  return withRegistry(state, req, reg => {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const name = field(body, 'name');
    const url = field(body, 'url');
    const auth = field(body, 'authentication');
    if (typeof name !== 'string' || name === '')
      return perr(400, 'Invalid request payload', 'Invalid registry name');
    if (typeof url !== 'string' || url === '')
      return perr(400, 'Invalid request payload', 'Invalid registry URL');
    if (typeof auth !== 'boolean')
      return perr(400, 'Invalid request payload', 'Invalid authentication');
    if (state.registries.some(r => r.Name === name && r.Id !== reg.Id))
      return perr(
        409,
        'Another registry with the same name already exists',
        'a registry is already defined with this name',
      );
    let accesses: PtRegistry['RegistryAccesses'] | undefined;
    const raw = field(body, 'registryAccesses');
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'object' || Array.isArray(raw))
        return perr(
          400,
          'Invalid request payload',
          'json: cannot unmarshal into Go struct field registryUpdatePayload.registryAccesses of type portainer.RegistryAccesses',
        );
      accesses = {};
      for (const [endpointId, a] of Object.entries(raw)) {
        if (!/^\d+$/.test(endpointId)) return badId('environment', endpointId);
        const access = (a ?? {}) as Record<string, unknown>;
        const team = policies(field(access, 'TeamAccessPolicies') ?? null);
        if (isReply(team)) return team;
        const user = policies(field(access, 'UserAccessPolicies') ?? null);
        if (isReply(user)) return user;
        accesses[endpointId] = {
          UserAccessPolicies: user,
          TeamAccessPolicies: team,
          Namespaces: null,
        };
      }
    }
    reg.Name = name;
    reg.URL = url;
    reg.Authentication = auth;
    if (!auth) {
      reg.Username = '';
      reg.Password = '';
    } else {
      const username = field(body, 'username');
      const password = field(body, 'password');
      if (typeof username === 'string') reg.Username = username;
      if (typeof password === 'string' && password !== '')
        reg.Password = password;
    }
    if (accesses) reg.RegistryAccesses = accesses;
    return { status: 200, body: renderRegistry(reg) };
  });
}

/** Mounts the registry routes. */
export function mountRegistryRoutes(
  r: AddRoute,
  state: PortainerState,
  nextId: (kind: string) => number,
) {
  r('get', '/api/registries', 'portainer.registry.list', () => ({
    status: 200,
    body: state.registries.map(renderRegistry),
  }));
  r('post', '/api/registries', 'portainer.registry.create', req =>
    createRegistry(state, req, nextId),
  );
  r('get', '/api/registries/:id', 'portainer.registry.get', req =>
    withRegistry(state, req, reg => ({
      status: 200,
      body: renderRegistry(reg),
    })),
  );
  r('put', '/api/registries/:id', 'portainer.registry.update', req =>
    updateRegistry(state, req),
  );
  r('delete', '/api/registries/:id', 'portainer.registry.delete', req =>
    withRegistry(state, req, reg => {
      state.registries = state.registries.filter(x => x.Id !== reg.Id);
      return { status: 204 };
    }),
  );
}
