import {
  inspectImage,
  inspectView,
  listContainers,
  listImages,
} from './apiViews';
import type { DockerEngine } from './DockerEngine';
import { ENGINE_VERSION } from './engineCore';
import { EngineError } from './model';
import {
  type Req,
  type Res,
  type Ctx,
  type Handler,
  bool,
  sendJson,
  sendError,
  noContent,
  readJson,
  gate,
  compareVersion,
} from './apiHttp';
import { pull, logs, stats, events } from './apiStreams';
import { versionBody, infoBody } from './apiSystem';

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
