import type express from 'express';
import type { LabControl } from '../core/LabControl';
import { forwardToAgent } from './agent';
import type { PortainerState } from './model';
import { perr, send } from './reply';

/**
 * The Docker proxy `/api/endpoints/{id}/docker/*`: forwards the request, body streamed, to the
 * environment's agent.
 */
export async function proxyDocker(
  state: PortainerState,
  control: LabControl,
  req: express.Request,
  res: express.Response,
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
  if (!/^\d+$/.test(m[1])) {
    send(
      res,
      perr(
        400,
        'Invalid environment identifier route variable',
        `strconv.Atoi: parsing "${m[1]}": invalid syntax`,
      ),
    );
    return;
  }
  const e = state.endpoints.find(x => x.Id === Number(m[1]));
  if (!e) {
    send(
      res,
      perr(
        404,
        'Unable to find an environment with the specified identifier inside the database',
        'object not found inside the database',
      ),
    );
    return;
  }
  forwardToAgent(e.URL, `${m[2] ?? '/'}${m[3] ?? ''}`, req, res);
}
