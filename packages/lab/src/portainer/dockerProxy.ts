import type express from 'express';
import type { LabControl } from '../core/LabControl';
import type { AgentLink } from '../tls/agentSignature';
import { forwardToAgent } from './agent';
import { findEndpoint } from './endpoints';
import type { PortainerState } from './model';
import { isReply, send } from './reply';

/**
 * The Docker proxy `/api/endpoints/{id}/docker/*`: forwards the request, body streamed, to the
 * environment's agent. Operations: `portainer.docker` (every call), and `portainer.docker.events` (also entered by
 * `GET .../events`, where a `cut` fault ends the stream `afterMs` after it began).
 */
export async function proxyDocker(
  state: PortainerState,
  control: LabControl,
  req: express.Request,
  res: express.Response,
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
