import type express from 'express';
import type { LabControl } from '../core/LabControl';
import type { AgentLink } from '../tls/agentSignature';
import { forwardToAgent } from './agent';
import { findEndpoint } from './endpoints';
import type { PortainerState } from './model';
import { isReply, perr, send } from './reply';
import {
  type Caller,
  decorateRegistryAuth,
  mayUseEndpoint,
} from './userAccess';

/**
 * The Docker proxy `/api/endpoints/{id}/docker/*`: a regular user needs access to the environment
 * (403 otherwise); `X-Registry-Auth: {registryId}` is replaced by that registry's credentials when
 * the caller may use it there (empty credentials otherwise); then the request, body streamed, goes
 * to the environment's agent. Operations: `portainer.docker` (every call), and `portainer.docker.events` (also
 * entered by `GET .../events`, where a `cut` fault ends the stream `afterMs` after it began).
 */
export async function proxyDocker(
  state: PortainerState,
  control: LabControl,
  req: express.Request,
  res: express.Response,
  caller: Caller,
  link?: AgentLink,
) {
  const op = 'portainer.docker';
  const fault = control.enter(op);
  await control.delay(op);
  if (fault?.kind === 'hang') return;
  if (fault?.kind === 'fail') {
    send(
      res,
      {
        status: fault.status,
        body: fault.body ?? { message: fault.reason ?? 'Injected failure' },
      },
      fault.reason,
    );
    return;
  }
  const m = /^\/api\/endpoints\/([^/]+)\/docker(\/[^?]*)?(\?.*)?$/.exec(
    req.originalUrl,
  )!;
  const e = findEndpoint(state, m[1]);
  if (isReply(e)) {
    send(res, e);
    return;
  }
  if (!mayUseEndpoint(state, caller, e)) {
    send(
      res,
      perr(
        403,
        'Permission denied to access environment',
        'Access denied to environment',
      ),
    );
    return;
  }
  try {
    const auth = decorateRegistryAuth(
      state,
      caller,
      e.Id,
      req.headers['x-registry-auth'] as string | undefined,
    );
    if (auth !== undefined) req.headers['x-registry-auth'] = auth;
  } catch {
    // Go's ReverseProxy answers 502 with an empty body when its transport fails the request
    res.statusCode = 502;
    res.end();
    return;
  }
  if (req.method === 'GET' && /^(\/v[\d.]+)?\/events$/.test(m[2] ?? '')) {
    // a long stream may be ended by Portainer's side (see docs/watcher.md): `cut` drops it mid-body
    const cut = control.enter('portainer.docker.events');
    if (cut?.kind === 'cut') {
      const timer = setTimeout(() => res.destroy(), cut.afterMs);
      res.on('close', () => clearTimeout(timer));
    }
  }
  forwardToAgent(e.URL, `${m[2] ?? '/'}${m[3] ?? ''}`, req, res, link);
}
