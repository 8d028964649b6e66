// The streaming Docker API endpoints: image pull progress, container logs, stats and events.
import { parseFilters } from './apiViews';
import { fakeSha256 } from './images';
import {
  type DockerEvent,
  EngineError,
  type LogLine,
  rfc3339Nano,
} from './model';
import {
  type Ctx,
  bool,
  sendJson,
  gate,
  line,
  compareVersion,
} from './apiHttp';

export function decodeAuth(header: string | undefined) {
  if (!header) return undefined;
  try {
    const json = Buffer.from(
      header.replace(/-/g, '+').replace(/_/g, '/'),
      'base64',
    ).toString('utf8');
    const parsed = JSON.parse(json);
    return typeof parsed === 'object' && parsed ? parsed : undefined;
  } catch {
    return undefined;
  }
}
export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function pull(ctx: Ctx) {
  const { engine, req, res, query } = ctx;
  const fault = engine.control.enter('docker.image.pull');
  if (fault?.kind === 'hang') return;
  const fromImage = query.get('fromImage');
  if (!fromImage) throw new EngineError(400, 'fromImage is required');
  if (query.get('fromSrc'))
    throw new EngineError(400, 'lab: import (fromSrc) is not simulated');
  const auth = decodeAuth(req.headers['x-registry-auth'] as string | undefined);
  const { spec, ref, record, present } = engine.resolvePull(
    fromImage,
    query.get('tag') ?? undefined,
    auth,
  );
  const tagText = ref.tag || ref.digest!;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const path =
    ref.registry === 'docker.io' && !ref.repository.includes('/')
      ? `library/${ref.repository}`
      : ref.repository;
  line(res, { status: `Pulling from ${path}`, id: tagText });
  const total = engine.control.latencyOf('docker.image.pull');
  if (!present || fault) {
    const layers = [0, 1, 2].map(i =>
      fakeSha256(`layer:${spec.ref}:${i}`).slice(0, 12),
    );
    const size = spec.size ?? 10_000_000;
    for (const id of layers)
      line(res, { status: 'Pulling fs layer', progressDetail: {}, id });
    for (const [i, id] of layers.entries()) {
      const layerSize = Math.round(size / 3);
      for (const part of [0.5, 1]) {
        await sleep(total / 12);
        const current = Math.round(layerSize * part);
        line(res, {
          status: 'Downloading',
          progressDetail: { current, total: layerSize },
          progress: `[${'='.repeat(part * 49)}>${' '.repeat(
            49 - part * 49,
          )}]  ${current}B/${layerSize}B`,
          id,
        });
      }
      if (fault?.kind === 'fail' && i === 1) {
        const message =
          (fault.body as { message?: string } | undefined)?.message ??
          fault.reason ??
          `failed to register layer: unexpected EOF`;
        line(res, { errorDetail: { message }, error: message });
        res.end();
        return;
      }
      line(res, { status: 'Download complete', progressDetail: {}, id });
    }
    for (const id of layers) {
      await sleep(total / 12);
      line(res, {
        status: 'Extracting',
        progressDetail: { current: 1, total: 1 },
        id,
      });
      line(res, { status: 'Pull complete', progressDetail: {}, id });
    }
  }
  const image = engine.addImage(spec);
  record.ok = true;
  engine.emit({
    Type: 'image',
    Action: 'pull',
    id: image.RepoTags[0],
    name: ref.repository,
  });
  line(res, { status: `Digest: ${image.RepoDigests[0].split('@')[1]}` });
  line(res, {
    status: present
      ? `Status: Image is up to date for ${image.RepoTags[0]}`
      : `Status: Downloaded newer image for ${image.RepoTags[0]}`,
  });
  res.end();
}

export function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export async function logs(ctx: Ctx) {
  const { engine, res, query } = ctx;
  const c = engine.findContainer(ctx.params[0]);
  if (!(await gate(ctx, 'docker.container.logs'))) return;
  const wantOut = bool(query.get('stdout'));
  const wantErr = bool(query.get('stderr'));
  if (!wantOut && !wantErr)
    throw new EngineError(
      400,
      'Bad parameters: you must choose at least one stream',
    );
  const timestamps = bool(query.get('timestamps'));
  const since = Number(query.get('since') ?? 0) * 1000;
  const until = query.get('until')
    ? Number(query.get('until')) * 1000
    : undefined;
  const tail = query.get('tail');
  const tty = c.Config.Tty;
  const multiplexed = !tty && compareVersion(ctx.apiVersion, '1.42') >= 0;
  res.writeHead(200, {
    'Content-Type':
      tty || !multiplexed
        ? 'application/vnd.docker.raw-stream'
        : 'application/vnd.docker.multiplexed-stream',
  });
  const render = (l: LogLine) => {
    const text = `${timestamps ? `${rfc3339Nano(l.time)} ` : ''}${l.text}\n`;
    return tty ? Buffer.from(text) : frame(l.stream, text);
  };
  const wanted = (l: LogLine) =>
    ((l.stream === 1 && wantOut) || (l.stream === 2 && wantErr)) &&
    l.time.getTime() >= since &&
    (until === undefined || l.time.getTime() <= until);
  let lines = c.lab.logs.filter(wanted);
  if (tail && tail !== 'all' && /^\d+$/.test(tail))
    lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  for (const l of lines) res.write(render(l));
  if (!bool(query.get('follow')) || !c.State.Running) {
    res.end();
    return;
  }
  const onLine = (l: LogLine) => {
    if (wanted(l)) res.write(render(l));
  };
  let onEvent: (e: DockerEvent) => void = () => undefined;
  const finish = () => {
    engine.emitter.off(`log:${c.Id}`, onLine);
    engine.emitter.off('event', onEvent);
    res.end();
  };
  onEvent = (e: DockerEvent) => {
    if (e.Actor.ID === c.Id && (e.Action === 'die' || e.Action === 'destroy'))
      finish();
  };
  engine.emitter.on(`log:${c.Id}`, onLine);
  engine.emitter.on('event', onEvent);
  res.on('close', finish);
}

export async function stats(ctx: Ctx) {
  const { engine, res, query } = ctx;
  const c = engine.findContainer(ctx.params[0]);
  if (!(await gate(ctx, 'docker.container.stats'))) return;
  const stream =
    query.get('stream') === null ? true : bool(query.get('stream'));
  if (!stream || bool(query.get('one-shot'))) {
    if (!bool(query.get('one-shot'))) engine.stats(c); // the engine compares two samples
    sendJson(res, 200, engine.stats(c));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write(`${JSON.stringify(engine.stats(c))}\n`);
  const timer = setInterval(() => {
    if (!engine.containers.has(c.Id)) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(`${JSON.stringify(engine.stats(c))}\n`);
  }, 1000);
  res.on('close', () => clearInterval(timer));
}

export function eventMatches(
  e: DockerEvent,
  f: Record<string, string[]>,
): boolean {
  const attrs = e.Actor.Attributes;
  if (f.type && !f.type.includes(e.Type)) return false;
  if (
    f.event &&
    !f.event.some(x => e.Action === x || e.Action.startsWith(`${x}:`))
  )
    return false;
  if (
    f.container &&
    (e.Type !== 'container' ||
      !f.container.some(x => e.Actor.ID.startsWith(x) || attrs.name === x))
  )
    return false;
  if (f.image && !f.image.some(x => attrs.image === x || e.from === x))
    return false;
  if (
    f.label &&
    !f.label.every(l => {
      const eq = l.indexOf('=');
      return eq < 0 ? l in attrs : attrs[l.slice(0, eq)] === l.slice(eq + 1);
    })
  )
    return false;
  return true;
}

export function events(ctx: Ctx) {
  const { engine, res, query } = ctx;
  const filters = parseFilters(query.get('filters'), [
    'type',
    'event',
    'container',
    'image',
    'label',
    'scope',
    'daemon',
    'network',
    'volume',
  ]);
  const since = query.get('since')
    ? Number(query.get('since')) * 1000
    : undefined;
  const until = query.get('until')
    ? Number(query.get('until')) * 1000
    : undefined;
  if (
    (since !== undefined && Number.isNaN(since)) ||
    (until !== undefined && Number.isNaN(until))
  ) {
    throw new EngineError(400, 'invalid timestamp');
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const inWindow = (e: DockerEvent) => {
    const ms = e.timeNano / 1e6;
    return (
      (since === undefined || ms >= since) &&
      (until === undefined || ms <= until)
    );
  };
  if (since !== undefined) {
    for (const e of engine.events)
      if (inWindow(e) && eventMatches(e, filters))
        res.write(`${JSON.stringify(e)}\n`);
  }
  if (until !== undefined && until <= Date.now()) {
    res.end();
    return;
  }
  const onEvent = (e: DockerEvent) => {
    if (inWindow(e) && eventMatches(e, filters))
      res.write(`${JSON.stringify(e)}\n`);
  };
  engine.emitter.on('event', onEvent);
  const timer =
    until !== undefined
      ? setTimeout(() => res.end(), until - Date.now())
      : undefined;
  res.on('close', () => {
    engine.emitter.off('event', onEvent);
    if (timer) clearTimeout(timer);
  });
}
