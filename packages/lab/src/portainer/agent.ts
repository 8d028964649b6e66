import http from 'node:http';
import https from 'node:https';
import { type AgentLink, agentRequest } from '../tls/agentSignature';

/**
 * How the lab reaches an agent: `tcp://IP:9001` is plain HTTP in the embedded default, HTTPS in
 * the TLS lab (`link` given), as the real agent speaks.
 */
export function agentBaseUrl(
  endpointUrl: string,
  link?: AgentLink,
): URL | undefined {
  const m = /^(?:tcp|https?):\/\/([^/:]+):(\d+)\/?$/.exec(endpointUrl);
  if (!m) return undefined;
  return new URL(`${link ? 'https' : 'http'}://${m[1]}:${m[2]}`);
}

/**
 * Portainer's agent check (`agent.GetAgentVersionAndPlatform`): `GET /ping` with a 3 s timeout,
 * 204 required, then the `Portainer-Agent` (version) and `Portainer-Agent-Platform` headers.
 * Returns the agent version, or throws with Portainer's error text.
 */
export async function pingAgent(
  endpointUrl: string,
  timeoutMs = 3000,
  link?: AgentLink,
): Promise<string> {
  const base = agentBaseUrl(endpointUrl, link);
  if (!base) throw new Error(`parse "${endpointUrl}/ping": invalid URL`);
  const target = `https://${base.host}/ping`;
  let res: Awaited<ReturnType<typeof agentRequest>>;
  try {
    // the ping is the agent's one unauthenticated call: no signature
    res = await agentRequest(new URL('/ping', base), undefined, {
      timeoutMs,
      maxBytes: 64 * 1024,
    });
  } catch (e) {
    const err = e as Error & {
      code?: string;
      cause?: { code?: string; message?: string };
    };
    if (err.name === 'TimeoutError') {
      throw new Error(
        `Get "${target}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      );
    }
    const cause =
      (err.code ?? err.cause?.code) === 'ECONNREFUSED'
        ? 'connect: connection refused'
        : err.cause?.message ?? err.message;
    throw new Error(`Get "${target}": dial tcp ${base.host}: ${cause}`);
  }
  if (res.status !== 204)
    throw new Error(`Failed request with status ${res.status}`);
  const version = res.headers['portainer-agent'] as string | undefined;
  if (!version) throw new Error('Version Header is missing');
  const platform = res.headers['portainer-agent-platform'] as
    | string
    | undefined;
  if (!platform) throw new Error('Agent Platform Header is missing');
  if (!/^\d+$/.test(platform))
    throw new Error(`strconv.Atoi: parsing "${platform}": invalid syntax`);
  return version;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/**
 * Forwards a Docker API call to the agent (`/api/endpoints/{id}/docker/<path>` -> agent `/<path>`),
 * streaming both ways, like Portainer's reverse proxy. Portainer's own credentials are not forwarded.
 */
export function forwardToAgent(
  endpointUrl: string,
  pathAndQuery: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  link?: AgentLink,
): void {
  const base = agentBaseUrl(endpointUrl, link)!;
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (
      HOP_BY_HOP.has(k) ||
      k === 'x-api-key' ||
      k === 'authorization' ||
      k === 'cookie'
    )
      continue;
    headers[k] = v;
  }
  headers.host = base.host;
  Object.assign(headers, link?.headers());
  const upstream = (link ? https : http).request(
    {
      rejectUnauthorized: false,
      host: base.hostname,
      port: Number(base.port),
      method: req.method,
      path: pathAndQuery,
      headers,
    },
    up => {
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers))
        if (!HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      // Go's ReverseProxy flushes the headers at once for a streamed answer (its initial flush timer), so a client
      // of `/events` sees the 200 before the first event
      res.flushHeaders();
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    // Go's ReverseProxy answers 502 with an empty body when the backend is unreachable.
    if (!res.headersSent) {
      res.statusCode = 502;
      res.end();
    } else res.destroy();
  });
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
