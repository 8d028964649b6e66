import http from 'node:http';
import net from 'node:net';
import type { WebhookSender } from '@docker-env/plugin-docker-env-node';

/** The webhook secret of the tests. */
export const SECRET = 'a-test-secret-of-some-length';

/** One request the receiver got. */
export interface Hit {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Reply = { status: number; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver on 127.0.0.1; `reply(n)` decides the answer to the n-th request (1-based). */
export async function startReceiver(
  reply: (n: number, hit: Hit) => Reply = () => ({ status: 200 }),
) {
  const hits: Hit[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const hit = {
        at: Date.now(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      hits.push(hit);
      const r = reply(hits.length, hit);
      if (r === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(r.status, r.headers);
      res.end('ok');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/docker-env?x=1`,
    hits,
    close: async () => {
      hanging.forEach(r => r.destroy());
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

/** Short delays and loopback receivers allowed (only an explicit setting allows them). */
export const fast = {
  allowedHosts: ['127.0.0.1'],
  // the receivers are on loopback: only an explicit setting allows that
  allowPrivateNetworks: true,
  initialDelayMs: 20,
  maxDelayMs: 100,
  maxTotalMs: 5000,
  timeoutMs: 2000,
};

/** Delivers `environment.created` with the test secret. */
export function deliver(
  sender: WebhookSender,
  url: string,
  extra: Record<string, unknown> = {},
) {
  return sender.deliver({
    url,
    secret: SECRET,
    event: 'environment.created',
    payload: { name: 'dev-42' },
    ...extra,
  });
}
