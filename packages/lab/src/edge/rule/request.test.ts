/**
 * What Traefik's router sees of real HTTP/1.1 requests (sent byte for byte to a loopback server):
 * Go's request parsing (absolute-form, Host), the entry point's path handling and the muxer's view.
 */
import http from 'node:http';
import net from 'node:net';
import { BadRequestError, ruleRequest } from '.';

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    try {
      const routed = ruleRequest(req, 'edge', '127.0.0.1');
      res.end(
        JSON.stringify({
          ...routed,
          rule: { ...routed.rule, query: [...routed.rule.query] },
        }),
      );
    } catch (e) {
      res.statusCode = e instanceof BadRequestError ? 400 : 500;
      res.end((e as Error).message);
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => new Promise(resolve => server.close(resolve)));

/** Sends `head` (request line and headers) as is; answers the status and the parsed body. */
function send(head: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      try {
        resolve({ status, body: JSON.parse(body) });
      } catch {
        resolve({ status, body });
      }
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

describe('ruleRequest', () => {
  it('takes the host of an absolute-form target over the Host header', async () => {
    const r = await send(
      'GET http://Example.COM:8080/a?x=1 HTTP/1.1\r\nHost: example.org',
    );
    expect(r.body.rule.host).toBe('example.com');
    expect(r.body.host).toBe('Example.COM:8080');
    expect(r.body.rule.path).toBe('/a');
    expect(r.body.search).toBe('?x=1');
    expect(r.body.rule.headers['x-forwarded-host']).toEqual([
      'Example.COM:8080',
    ]);
    // an empty authority leaves the Host header in force (Traefik's TestEmptyHost)
    const empty = await send('GET http://@/ HTTP/1.1\r\nHost: example.com');
    expect(empty.body.rule.host).toBe('example.com');
    const user = await send(
      'GET http://u:p@example.net/ HTTP/1.1\r\nHost: example.com',
    );
    expect(user.body.rule.host).toBe('example.net');
  });

  it('strips the port and the brackets of an IPv6 literal, trims and lower-cases', async () => {
    expect(
      (await send('GET / HTTP/1.1\r\nHost: [::1]:8080')).body.rule.host,
    ).toBe('::1');
    expect(
      (await send('GET / HTTP/1.1\r\nHost: [FE80::1]')).body.rule.host,
    ).toBe('fe80::1');
    expect(
      (await send('GET / HTTP/1.1\r\nHost: 10.0.0.1:80')).body.rule.host,
    ).toBe('10.0.0.1');
    expect(
      (await send('GET / HTTP/1.1\r\nHost: Example.com.:80')).body.rule.host,
    ).toBe('example.com.');
    // Go's SplitHostPort refuses it, so it stays whole
    expect((await send('GET / HTTP/1.1\r\nHost: a:b:c')).body.rule.host).toBe(
      'a:b:c',
    );
  });

  it('keeps each header line as a value and drops the client forwarded headers', async () => {
    const r = await send(
      'GET / HTTP/1.1\r\nHost: a\r\nX-Api: v1\r\nX-Api: v2\r\nX-Forwarded-For: 10.0.0.1\r\nX_Forwarded_Proto: https',
    );
    expect(r.body.rule.headers['x-api']).toEqual(['v1', 'v2']);
    expect(r.body.rule.headers['x-forwarded-for']).toBeUndefined();
    expect(r.body.rule.headers.x_forwarded_proto).toBeUndefined();
    expect(r.body.rule.headers['x-forwarded-proto']).toEqual(['http']);
    expect(r.body.rule.headers.host).toBeUndefined();
  });

  it('routes on the normalized, sanitized path and forwards it', async () => {
    const r = await send(
      'GET /a/%7e%2f/./b/../%63//d?q=1;r=2 HTTP/1.1\r\nHost: a',
    );
    expect(r.body.path).toBe('/a/~%2F/c/d');
    expect(r.body.rule.path).toBe('/a/~%2F/c/d');
    expect(r.body.search).toBe('?q=1&r=2');
    expect(r.body.rule.query).toEqual([
      ['q', ['1']],
      ['r', ['2']],
    ]);
    const spaced = await send('GET /foo%20bar HTTP/1.1\r\nHost: a');
    expect(spaced.body.rule.path).toBe('/foo bar');
    expect(spaced.body.path).toBe('/foo%20bar');
  });

  it.each([
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: b', 'too many Host headers'],
    ['GET /a#b HTTP/1.1\r\nHost: a', 'fragment'],
    ['GET /a%zz HTTP/1.1\r\nHost: a', 'invalid URL escape'],
  ])(
    'answers 400 to %j as Go or the entry point does',
    async (head, reason) => {
      const r = await send(head);
      expect(r.status).toBe(400);
      expect(r.body).toContain(reason);
    },
  );
});
