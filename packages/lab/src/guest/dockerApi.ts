import type http from 'node:http';
import os from 'node:os';
import {
  inspectImage,
  inspectView,
  listContainers,
  listImages,
  parseFilters,
} from './apiViews';
import { type DockerEngine, ENGINE_VERSION } from './DockerEngine';
import { fakeSha256 } from './images';
import {
  type DockerEvent,
  EngineError,
  type LogLine,
  rfc3339Nano,
} from './model';

type Req = http.IncomingMessage;
type Res = http.ServerResponse;
interface Ctx {
  engine: DockerEngine;
  req: Req;
  res: Res;
  params: string[];
  query: URLSearchParams;
  apiVersion: string;
}
type Handler = (ctx: Ctx) => Promise<void> | void;

const MAX_BODY = 1024 * 1024;

/** dockerd's boolean query parsing: anything but "", 0, no, false, none is true. */
function bool(v: string | null): boolean {
  return (
    v !== null && !['', '0', 'no', 'false', 'none'].includes(v.toLowerCase())
  );
}

function sendJson(res: Res, status: number, body: unknown) {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Errors are `{"message": "..."}` with the engine's status. */
function sendError(res: Res, status: number, message: string) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message });
}

function noContent(res: Res, status: 204 | 304 = 204) {
  res.writeHead(status);
  res.end();
}

async function readJson(req: Req): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new EngineError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new EngineError(400, `invalid JSON: ${(e as Error).message}`);
  }
}

/** Applies the lab's latency and faults; returns false when the call was answered (fail) or swallowed (hang). */
async function gate(ctx: Ctx, operation: string): Promise<boolean> {
  const fault = ctx.engine.control.enter(operation);
  if (fault?.kind === 'hang') return false;
  await ctx.engine.control.delay(operation);
  if (fault?.kind === 'fail') {
    const body = fault.body as { message?: string } | undefined;
    if (fault.reason) ctx.res.statusMessage = fault.reason;
    sendError(
      ctx.res,
      fault.status,
      body?.message ?? fault.reason ?? 'lab: injected failure',
    );
    return false;
  }
  return true;
}

function decodeAuth(header: string | undefined) {
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

function line(res: Res, obj: unknown) {
  res.write(`${JSON.stringify(obj)}\r\n`);
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function pull(ctx: Ctx) {
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

function frame(stream: 1 | 2, payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

async function logs(ctx: Ctx) {
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

async function stats(ctx: Ctx) {
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

function eventMatches(e: DockerEvent, f: Record<string, string[]>): boolean {
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

function events(ctx: Ctx) {
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

function versionBody(engine: DockerEngine) {
  return {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      {
        Name: 'Engine',
        Version: ENGINE_VERSION.Version,
        Details: {
          ApiVersion: ENGINE_VERSION.ApiVersion,
          MinAPIVersion: ENGINE_VERSION.MinAPIVersion,
          Os: 'linux',
          Arch: 'amd64',
        },
      },
    ],
    Version: ENGINE_VERSION.Version,
    ApiVersion: ENGINE_VERSION.ApiVersion,
    MinAPIVersion: ENGINE_VERSION.MinAPIVersion,
    GitCommit: 'de5c9cf',
    GoVersion: 'go1.21.11',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: os.release(),
    BuildTime: '2024-06-06T11:00:02.000000000+00:00',
    lab: { hostname: engine.hostname },
  };
}

function infoBody(engine: DockerEngine) {
  return {
    ID: engine.engineId,
    ...engine.counts(),
    Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs']],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'macvlan', 'null', 'overlay'],
      Log: ['json-file', 'local'],
    },
    MemoryLimit: true,
    SwapLimit: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    NCPU: engine.ncpu,
    MemTotal: engine.memTotal,
    Name: engine.hostname,
    ServerVersion: ENGINE_VERSION.Version,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    OSType: 'linux',
    OSVersion: '12',
    Architecture: 'x86_64',
    KernelVersion: os.release(),
    DockerRootDir: '/var/lib/docker',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '2',
    LoggingDriver: 'json-file',
    SystemTime: rfc3339Nano(new Date()),
    Swarm: { LocalNodeState: 'inactive' },
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
    Warnings: null,
  };
}

/** Compares API versions like `1.41` numerically. */
export function compareVersion(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** Headers dockerd sends on both `GET` and `HEAD /_ping`. */
const PING_HEADERS = {
  'Content-Type': 'text/plain; charset=utf-8',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
};

const routes: Array<[string, RegExp, string | undefined, Handler]> = [
  [
    'GET',
    /^\/_ping$/,
    undefined,
    ({ res }) => {
      res.writeHead(200, {
        ...PING_HEADERS,
        'Builder-Version': '2',
        Swarm: 'inactive',
        'Content-Length': '2',
      });
      res.end('OK');
    },
  ],
  [
    'HEAD',
    /^\/_ping$/,
    undefined,
    ({ res }) => {
      res.writeHead(200, { ...PING_HEADERS, 'Content-Length': '0' });
      res.end();
    },
  ],
  [
    'GET',
    /^\/version$/,
    'docker.ping',
    ({ engine, res }) => sendJson(res, 200, versionBody(engine)),
  ],
  [
    'GET',
    /^\/info$/,
    'docker.ping',
    ({ engine, res }) => sendJson(res, 200, infoBody(engine)),
  ],
  ['POST', /^\/images\/create$/, undefined, pull],
  [
    'GET',
    /^\/images\/json$/,
    'docker.image.list',
    ({ engine, res }) => sendJson(res, 200, listImages(engine)),
  ],
  [
    'GET',
    /^\/images\/(.+)\/json$/,
    'docker.image.inspect',
    ({ engine, res, params }) =>
      sendJson(res, 200, inspectImage(engine, params[0])),
  ],
  [
    'DELETE',
    /^\/images\/(.+)$/,
    'docker.image.remove',
    ({ engine, res, params, query }) =>
      sendJson(
        res,
        200,
        engine.removeImage(params[0], bool(query.get('force'))),
      ),
  ],
  [
    'POST',
    /^\/containers\/create$/,
    'docker.container.create',
    async ({ engine, req, res, query }) => {
      const body = await readJson(req);
      sendJson(
        res,
        201,
        engine.createContainer(query.get('name') ?? undefined, body),
      );
    },
  ],
  [
    'GET',
    /^\/containers\/json$/,
    'docker.container.list',
    ({ engine, res, query }) =>
      sendJson(
        res,
        200,
        listContainers(engine, bool(query.get('all')), query.get('filters')),
      ),
  ],
  [
    'GET',
    /^\/containers\/([^/]+)\/json$/,
    'docker.container.inspect',
    ({ engine, res, params }) =>
      sendJson(res, 200, inspectView(engine.findContainer(params[0]))),
  ],
  [
    'POST',
    /^\/containers\/([^/]+)\/start$/,
    'docker.container.start',
    async ({ engine, res, params }) =>
      noContent(res, (await engine.startContainer(params[0])) ? 204 : 304),
  ],
  [
    'POST',
    /^\/containers\/([^/]+)\/stop$/,
    'docker.container.stop',
    async ({ engine, res, params }) =>
      noContent(res, (await engine.stopContainer(params[0])) ? 204 : 304),
  ],
  [
    'POST',
    /^\/containers\/([^/]+)\/restart$/,
    'docker.container.restart',
    async ({ engine, res, params }) => {
      await engine.restartContainer(params[0]);
      noContent(res);
    },
  ],
  [
    'POST',
    /^\/containers\/([^/]+)\/kill$/,
    'docker.container.kill',
    async ({ engine, res, params, query }) => {
      await engine.killContainer(params[0], query.get('signal') || 'SIGKILL');
      noContent(res);
    },
  ],
  [
    'POST',
    /^\/containers\/([^/]+)\/rename$/,
    'docker.container.rename',
    ({ engine, res, params, query }) => {
      engine.renameContainer(params[0], query.get('name') ?? undefined);
      noContent(res);
    },
  ],
  [
    'DELETE',
    /^\/containers\/([^/]+)$/,
    'docker.container.remove',
    async ({ engine, res, params, query }) => {
      await engine.removeContainer(params[0], bool(query.get('force')));
      noContent(res);
    },
  ],
  ['GET', /^\/containers\/([^/]+)\/logs$/, undefined, logs],
  ['GET', /^\/containers\/([^/]+)\/stats$/, undefined, stats],
  ['GET', /^\/events$/, undefined, events],
];

/**
 * The Docker Engine API over a {@link DockerEngine}: the paths dockerode uses, with and
 * without the `/v1.xx` prefix, answering with dockerd's status codes, headers and messages.
 */
export function createDockerApiHandler(engine: DockerEngine) {
  return async (req: Req, res: Res): Promise<void> => {
    res.setHeader('Api-Version', ENGINE_VERSION.ApiVersion);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', `Docker/${ENGINE_VERSION.Version} (linux)`);
    const url = new URL(req.url ?? '/', 'http://engine');
    let path = url.pathname;
    let apiVersion = ENGINE_VERSION.ApiVersion;
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
    if (versioned) {
      apiVersion = versioned[1];
      path = versioned[2];
      if (compareVersion(apiVersion, ENGINE_VERSION.ApiVersion) > 0) {
        sendError(
          res,
          400,
          `client version ${apiVersion} is too new. Maximum supported API version is ${ENGINE_VERSION.ApiVersion}`,
        );
        return;
      }
      if (compareVersion(apiVersion, ENGINE_VERSION.MinAPIVersion) < 0) {
        sendError(
          res,
          400,
          `client version ${apiVersion} is too old. Minimum supported API version is ${ENGINE_VERSION.MinAPIVersion}, please upgrade your client to a newer version`,
        );
        return;
      }
    }
    const method = req.method ?? 'GET';
    const route = routes.find(([m, re]) => m === method && re.test(path));
    if (!route) {
      sendError(res, 404, 'page not found');
      return;
    }
    const [, re, operation, handler] = route;
    const params = (re.exec(path) ?? []).slice(1).map(decodeURIComponent);
    const ctx: Ctx = {
      engine,
      req,
      res,
      params,
      query: url.searchParams,
      apiVersion,
    };
    try {
      if (operation && !(await gate(ctx, operation))) return;
      await handler(ctx);
    } catch (e) {
      if (e instanceof EngineError) sendError(res, e.status, e.message);
      else sendError(res, 500, (e as Error).message);
    }
  };
}
