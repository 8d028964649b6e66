import busboy from 'busboy';
import type express from 'express';
import type { AgentLink } from '../tls/agentSignature';
import { agentBaseUrl, pingAgent } from './agent';
import {
  PortainerState,
  PtAccessPolicies,
  PtEndpoint,
  renderEndpoint,
} from './model';
import { field, findById, isReply, parseJson, perr, type Reply } from './reply';
import type { PortainerRequestCheck } from './requestCheck';

/** Validates an access-policy map as Go would decode `map[TeamID]AccessPolicy`. */
export function policies(v: unknown): PtAccessPolicies | Reply {
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    return perr(
      400,
      'Invalid request payload',
      'json: cannot unmarshal into Go struct field of type portainer.TeamAccessPolicies',
    );
  }
  const out: PtAccessPolicies = {};
  for (const [k, p] of Object.entries(v as Record<string, unknown>)) {
    if (!/^\d+$/.test(k)) {
      return perr(
        400,
        'Invalid request payload',
        `json: cannot unmarshal number ${k} into Go value of type portainer.TeamID`,
      );
    }
    const roleId =
      p && typeof p === 'object'
        ? field(p as Record<string, unknown>, 'RoleId')
        : undefined;
    out[k] = { RoleId: typeof roleId === 'number' ? roleId : 0 };
  }
  return out;
}

/** `GET /api/endpoints` with `name`, `search`, `start` and `limit`. */
export function listEndpoints(
  state: PortainerState,
  req: express.Request,
): Reply {
  const name = typeof req.query.name === 'string' ? req.query.name : '';
  const search =
    typeof req.query.search === 'string' ? req.query.search.toLowerCase() : '';
  let list = state.endpoints;
  if (name) list = list.filter(e => e.Name === name);
  if (search) list = list.filter(e => e.Name.toLowerCase().includes(search));
  const start = Number(req.query.start ?? 0) || 0;
  const limit = Number(req.query.limit ?? 0) || 0;
  const page = limit > 0 ? list.slice(start, start + limit) : list.slice(start);
  return {
    status: 200,
    body: page.map(e => renderEndpoint(e, false)),
    headers: {
      'X-Total-Count': String(list.length),
      'X-Total-Available': String(state.endpoints.length),
    },
  };
}

/** The environment of a route id: 400 for a non-number, 404 for an unknown one. */
export function findEndpoint(
  state: PortainerState,
  id: string,
): PtEndpoint | Reply {
  return findById(state.endpoints, id, 'environment', 'an environment');
}

/** Runs `fn` on the environment of `req.params.id`, or answers its 400/404. */
export function withEndpoint(
  state: PortainerState,
  req: express.Request,
  fn: (e: PtEndpoint) => Reply,
): Reply {
  const e = findEndpoint(state, req.params.id);
  return isReply(e) ? e : fn(e);
}

/** `PUT /api/endpoints/{id}`: name, URL, tags, group and the (replaced) access-policy maps. */
export function updateEndpoint(
  state: PortainerState,
  req: express.Request,
): Reply {
  return withEndpoint(state, req, e => {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const name = field(body, 'name');
    if (typeof name === 'string' && name !== '' && name !== e.Name) {
      if (state.endpoints.some(x => x.Name === name && x.Id !== e.Id))
        return perr(409, 'Name is not unique');
    }
    let team: PtAccessPolicies | undefined;
    let user: PtAccessPolicies | undefined;
    const tap = field(body, 'teamAccessPolicies');
    if (tap !== undefined) {
      const p = policies(tap);
      if (isReply(p)) return p;
      team = p;
    }
    const uap = field(body, 'userAccessPolicies');
    if (uap !== undefined) {
      const p = policies(uap);
      if (isReply(p)) return p;
      user = p;
    }
    const tagIds = field(body, 'tagIDs');
    if (tagIds !== undefined && tagIds !== null) {
      if (!Array.isArray(tagIds) || !tagIds.every(t => Number.isInteger(t)))
        return perr(
          400,
          'Invalid request payload',
          'json: cannot unmarshal into Go struct field endpointUpdatePayload.tagIDs of type []portainer.TagID',
        );
      if (tagIds.some(t => !state.tags.some(tag => tag.ID === t)))
        return perr(
          500,
          'Unable to find a tag inside the database',
          'object not found inside the database',
        );
      e.TagIds = tagIds as number[];
    }
    if (typeof name === 'string' && name !== '') e.Name = name;
    // an agent that moved (a CT's new DHCP lease): the Docker proxy follows the new URL
    const url = field(body, 'url');
    if (typeof url === 'string' && url !== '') e.URL = url;
    const publicUrl = field(body, 'publicURL');
    if (typeof publicUrl === 'string') e.PublicURL = publicUrl;
    const groupId = field(body, 'groupID');
    if (typeof groupId === 'number') e.GroupId = groupId;
    // The whole map is replaced (endpoint_update.go): callers must read, merge and write.
    if (team) e.TeamAccessPolicies = team;
    if (user) e.UserAccessPolicies = user;
    return { status: 200, body: renderEndpoint(e) };
  });
}

/** Reads a multipart/form-data (or urlencoded) body into its text fields. */
export function readForm(
  req: express.Request,
): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fieldSize: 1024 * 1024, files: 3 },
      });
    } catch (e) {
      reject(e);
      return;
    }
    bb.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (_name, stream) => stream.resume());
    bb.on('close', () => resolve(fields));
    bb.on('error', reject);
    req.pipe(bb);
  });
}

/**
 * `POST /api/endpoints` with the form already read: validates it as Portainer does, pings the
 * agent, records the environment and snapshots it before answering.
 */
export async function createEndpoint(
  state: PortainerState,
  req: express.Request,
  form: Record<string, string>,
  check: PortainerRequestCheck,
  nextId: (kind: string) => number,
  snapshot: (e: PtEndpoint) => Promise<void>,
  link?: AgentLink,
): Promise<Reply> {
  const refused = check.checkForm(req, Object.keys(form));
  if (refused) return refused;
  const name = form.Name ?? '';
  if (name === '')
    return perr(400, 'Invalid request payload', 'invalid environment name');
  const type = Number(form.EndpointCreationType);
  if (!Number.isInteger(type) || type < 1 || type > 5) {
    return perr(
      400,
      'Invalid request payload',
      'invalid environment type value. Value must be one of: 1 (Docker environment), 2 (Agent environment), 3 (Azure environment), 4 (Edge Agent environment) or 5 (Local Kubernetes environment)',
    );
  }
  let tagIds: number[] = [];
  if (form.TagIds !== undefined && form.TagIds !== '') {
    try {
      tagIds = JSON.parse(form.TagIds);
      if (!Array.isArray(tagIds) || !tagIds.every(t => Number.isInteger(t)))
        throw new Error();
    } catch {
      return perr(400, 'Invalid request payload', 'invalid TagIds parameter');
    }
  }
  const tls = form.TLS === 'true' || form.TLS === '1';
  const skipVerify =
    form.TLSSkipVerify === 'true' || form.TLSSkipVerify === '1';
  const skipClient =
    form.TLSSkipClientVerify === 'true' || form.TLSSkipClientVerify === '1';
  if (tls && !skipVerify) {
    return perr(
      400,
      'Invalid request payload',
      'invalid CA certificate file. Ensure that the file is uploaded correctly',
    );
  }
  if (tls && !skipClient) {
    return perr(
      400,
      'Invalid request payload',
      'invalid certificate file. Ensure that the file is uploaded correctly',
    );
  }
  if (type !== 2) {
    return perr(
      500,
      'Unable to create environment',
      'only agent environments (EndpointCreationType=2) are simulated',
    );
  }
  const url = form.URL ?? '';
  if (state.endpoints.some(e => e.Name === name))
    return perr(409, 'Name is not unique');
  if (!agentBaseUrl(url)) {
    return perr(
      500,
      'Unable to get environment type',
      `parse "${url}/ping": invalid URL`,
    );
  }
  let version: string;
  try {
    version = await pingAgent(url, 3000, link);
  } catch (e) {
    return perr(500, 'Unable to get environment type', (e as Error).message);
  }
  // Checked again: another create may have won while the ping was in flight.
  if (state.endpoints.some(e => e.Name === name))
    return perr(409, 'Name is not unique');
  const unknownTag = tagIds.find(t => !state.tags.some(tag => tag.ID === t));
  if (unknownTag !== undefined) {
    return perr(
      500,
      'An error occurred while trying to create the environment',
      'object not found inside the database',
    );
  }
  const groupId = Number(form.GroupID) || 1;
  const endpoint: PtEndpoint = {
    Id: nextId('endpoint'),
    Name: name,
    Type: 2,
    URL: url,
    GroupId: groupId,
    PublicURL: form.PublicURL ?? '',
    TLS: tls,
    TLSSkipVerify: skipVerify,
    TagIds: tagIds,
    TeamAccessPolicies: {},
    UserAccessPolicies: {},
    AgentVersion: version,
    Status: 1,
    Snapshots: [],
  };
  state.endpoints.push(endpoint);
  // Portainer snapshots a new environment before it answers (endpoint_create.go
  // snapshotAndPersistEndpoint): a refused signature means the agent belongs to another Portainer
  try {
    await snapshot(endpoint);
  } catch (e) {
    state.endpoints = state.endpoints.filter(x => x !== endpoint);
    const message = (e as Error).message;
    return perr(
      500,
      'Unable to initiate communications with environment',
      message.includes('Invalid request signature')
        ? 'agent already paired with another Portainer instance'
        : message,
    );
  }
  return { status: 200, body: renderEndpoint(endpoint) };
}
