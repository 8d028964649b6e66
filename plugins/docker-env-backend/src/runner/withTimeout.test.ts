import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ProxmoxApiClient,
  PveTransport,
} from '@docker-env/plugin-docker-env-node';
import { StepTimeoutError, withTimeout } from './withTimeout';

/** Issue 20, item 2: a step that timed out sends nothing more, and its open requests are closed. */
describe('withTimeout stops the calls of the step it gave up on', () => {
  let server: http.Server;
  let url: string;
  const seen: string[] = [];
  const closed: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const what = `${req.method} ${req.url?.replace(/\?.*$/, '')}`;
      seen.push(what);
      req.on('close', () => closed.push(what));
      res.on('close', () => closed.push(what));
      if (what.endsWith('/cluster/resources')) answer(res, []);
      else if (what.endsWith('/cluster/nextid')) answer(res, '105');
      else if (what.endsWith('/clone')) {
        // the template is locked by another clone: the client retries after a pause
        res.writeHead(500, 'CT is locked (clone)', {
          'Content-Type': 'application/json;charset=UTF-8',
        });
        res.end('{"data":null}');
      }
      // any other call hangs: never answered
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  beforeEach(() => {
    seen.length = 0;
    closed.length = 0;
  });

  function answer(res: http.ServerResponse, data: unknown) {
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
    res.end(JSON.stringify({ data }));
  }

  const transport = () =>
    new PveTransport({
      url,
      tokenId: 'root@pam!test',
      tokenSecret: 'aaaaaaaa-0000',
      timeoutMs: 30_000,
    });
  const wait = (ms: number) => new Promise(r => setTimeout(r, ms));

  it('closes a hung request when the step times out, though the call was given no signal', async () => {
    const client = new ProxmoxApiClient(transport(), 'pve');
    await expect(
      withTimeout(
        () => client.getConfig(105),
        200,
        new AbortController().signal,
      ),
    ).rejects.toThrow(StepTimeoutError);
    // closed at once, not at the transport's own 30 s timeout (polled: the machine may be loaded)
    for (let i = 0; i < 40 && closed.length === 0; i++) await wait(50);
    expect(seen).toEqual(['GET /api2/json/nodes/pve/lxc/105/config']);
    expect(closed).toContain('GET /api2/json/nodes/pve/lxc/105/config');
  });

  it('posts no clone after the step timed out (the retry loop of a locked template stops)', async () => {
    const client = new ProxmoxApiClient(transport(), 'pve', {
      attempts: 50,
      backoff: { initialMs: 400, maxMs: 400, factor: 1 },
    });
    await expect(
      withTimeout(
        () =>
          client.cloneFromTemplate({
            templateVmid: 9000,
            hostname: 'late',
            environmentId: 'env-1',
          }),
        300,
        new AbortController().signal,
      ),
    ).rejects.toThrow(StepTimeoutError);
    const posts = () => seen.filter(s => s.endsWith('/clone')).length;
    const atTimeout = posts();
    // the jittered pause between tries is 200-400 ms: one or two posts before the timeout, none after
    expect(atTimeout).toBeGreaterThanOrEqual(1);
    await wait(1500);
    expect(posts()).toBe(atTimeout);
  });
});
