import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import net from 'node:net';
import { parseRetryAfter, WebhookSender } from './WebhookSender';
import { signWebhookPayload, verifyWebhookSignature } from './signature';

import {
  SECRET,
  deliver,
  startReceiver,
  fast,
} from '@docker-env/lab-testing/clients/receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('WebhookSender against a real HTTP receiver', () => {
  it('delivers a signed JSON body that the receiver verifies', async () => {
    receiver = await startReceiver((_n, hit) => {
      const v = verifyWebhookSignature(
        SECRET,
        hit.headers['x-docker-env-signature'] as string,
        hit.body,
        300,
      );
      return { status: v.valid ? 204 : 401 };
    });
    const report = await deliver(new WebhookSender(fast), receiver.url);
    expect(report).toMatchObject({
      ok: true,
      attempts: 1,
      status: 204,
      event: 'environment.created',
    });
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    const [hit] = receiver.hits;
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['x-docker-env-event']).toBe('environment.created');
    expect(hit.headers['x-docker-env-delivery']).toBe(report.deliveryId);
    expect(hit.headers['x-docker-env-signature']).toMatch(
      /^t=\d+,v1=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(hit.body)).toMatchObject({
      id: report.deliveryId,
      event: 'environment.created',
      data: { name: 'dev-42' },
    });
  });

  it('produces signatures that fail for a tampered body, another secret or an old timestamp', async () => {
    receiver = await startReceiver();
    await deliver(new WebhookSender(fast), receiver.url);
    const [hit] = receiver.hits;
    const header = hit.headers['x-docker-env-signature'] as string;
    expect(verifyWebhookSignature(SECRET, header, hit.body)).toMatchObject({
      valid: true,
    });
    expect(
      verifyWebhookSignature(SECRET, header, Buffer.from(hit.body)),
    ).toMatchObject({ valid: true });
    const tampered = hit.body.replace('dev-42', 'dev-43');
    expect(verifyWebhookSignature(SECRET, header, tampered)).toEqual({
      valid: false,
      reason: 'signature mismatch',
    });
    expect(
      verifyWebhookSignature('another-secret-of-length', header, hit.body),
    ).toMatchObject({ valid: false });
    // rotation: any of several secrets
    expect(
      verifyWebhookSignature(
        ['old-secret-xxxxxxxxxx', SECRET],
        header,
        hit.body,
      ),
    ).toMatchObject({ valid: true });
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(
      verifyWebhookSignature(SECRET, header, hit.body, 300, t + 301),
    ).toEqual({
      valid: false,
      reason: 'timestamp outside tolerance',
    });
    // a replayed body with a re-dated header but the old MAC
    const redated = header.replace(/t=\d+/, `t=${t + 1}`);
    expect(verifyWebhookSignature(SECRET, redated, hit.body)).toMatchObject({
      valid: false,
    });
    expect(verifyWebhookSignature(SECRET, undefined, hit.body)).toMatchObject({
      valid: false,
    });
    expect(verifyWebhookSignature(SECRET, 'garbage', hit.body)).toMatchObject({
      valid: false,
    });
  });

  it('retries 503 until success, keeping the delivery id', async () => {
    receiver = await startReceiver(n => ({ status: n <= 2 ? 503 : 200 }));
    const report = await deliver(new WebhookSender(fast), receiver.url);
    expect(report).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(report.attemptLog.map(a => a.status)).toEqual([503, 503, 200]);
    const ids = new Set(
      receiver.hits.map(h => h.headers['x-docker-env-delivery']),
    );
    expect(ids).toEqual(new Set([report.deliveryId]));
    // backoff: at least half of 20 ms, then half of 40 ms
    expect(receiver.hits[1].at - receiver.hits[0].at).toBeGreaterThanOrEqual(9);
    expect(receiver.hits[2].at - receiver.hits[1].at).toBeGreaterThanOrEqual(
      19,
    );
  });

  it('gives up after maxAttempts', async () => {
    receiver = await startReceiver(() => ({ status: 500 }));
    const report = await deliver(
      new WebhookSender({ ...fast, maxAttempts: 3 }),
      receiver.url,
    );
    expect(report).toMatchObject({ ok: false, attempts: 3, status: 500 });
    expect(report.error).toBe('HTTP 500; gave up after 3 attempts');
    expect(receiver.hits).toHaveLength(3);
  });

  it('does not retry a 400', async () => {
    receiver = await startReceiver(() => ({ status: 400 }));
    const report = await deliver(new WebhookSender(fast), receiver.url);
    expect(report).toMatchObject({
      ok: false,
      attempts: 1,
      status: 400,
      error: 'HTTP 400',
    });
    expect(receiver.hits).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    receiver = await startReceiver(() => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/' },
    }));
    const report = await deliver(new WebhookSender(fast), receiver.url);
    expect(report).toMatchObject({ ok: false, attempts: 1, status: 302 });
    expect(receiver.hits).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    receiver = await startReceiver(n =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '1' } }
        : { status: 200 },
    );
    const report = await deliver(
      new WebhookSender({ ...fast, initialDelayMs: 10 }),
      receiver.url,
    );
    expect(report).toMatchObject({ ok: true, attempts: 2 });
    expect(receiver.hits[1].at - receiver.hits[0].at).toBeGreaterThanOrEqual(
      950,
    );
  });

  it('gives up when Retry-After exceeds the total budget', async () => {
    receiver = await startReceiver(() => ({
      status: 503,
      headers: { 'retry-after': '60' },
    }));
    const report = await deliver(new WebhookSender(fast), receiver.url);
    expect(report).toMatchObject({ ok: false, attempts: 1, status: 503 });
    expect(report.error).toMatch(/next retry would exceed 5000 ms/);
    expect(report.durationMs).toBeLessThan(1000);
  });

  it('stays within maxTotalMs', async () => {
    receiver = await startReceiver(() => ({ status: 503 }));
    const started = Date.now();
    const report = await deliver(
      new WebhookSender({
        ...fast,
        maxAttempts: 20,
        initialDelayMs: 50,
        maxDelayMs: 50,
        maxTotalMs: 300,
      }),
      receiver.url,
    );
    expect(report.ok).toBe(false);
    expect(report.attempts).toBeGreaterThan(1);
    // waits are 25-50 ms, so a 300 ms budget allows at most 13 attempts (without it: 20)
    expect(report.attempts).toBeLessThanOrEqual(13);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('retries network errors and reports them', async () => {
    const server = net.createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(r => server.close(r));
    const report = await deliver(
      new WebhookSender({ ...fast, maxAttempts: 3 }),
      `http://127.0.0.1:${port}/`,
    );
    expect(report).toMatchObject({ ok: false, attempts: 3, status: undefined });
    expect(report.attemptLog[0].error).toBe('ECONNREFUSED');
  });

  it('times out an attempt that gets no answer, then retries', async () => {
    receiver = await startReceiver(n => (n === 1 ? 'hang' : { status: 200 }));
    const report = await deliver(
      new WebhookSender({ ...fast, timeoutMs: 200 }),
      receiver.url,
    );
    expect(report).toMatchObject({ ok: true, attempts: 2 });
    expect(report.attemptLog[0].error).toBe('timeout after 200 ms');
  });

  describe('validation (nothing is sent)', () => {
    it.each([
      ['ftp://127.0.0.1/x', 'url: must use http or https'],
      ['http://user:pw@127.0.0.1/x', 'url: must not contain credentials'],
      [
        'http://evil.example.org/x',
        'url: host evil.example.org is not in the webhook allow-list',
      ],
      ['/relative', 'url: must be an absolute http or https URL'],
    ])('refuses %s', async (url, message) => {
      receiver = await startReceiver();
      await expect(deliver(new WebhookSender(fast), url)).rejects.toThrow(
        message,
      );
      expect(receiver.hits).toHaveLength(0);
    });

    it('refuses bad event names and short secrets', async () => {
      const sender = new WebhookSender(fast);
      await expect(
        deliver(sender, 'http://127.0.0.1:1/', { event: 'a\r\nX: y' }),
      ).rejects.toThrow(InputError);
      await expect(
        deliver(sender, 'http://127.0.0.1:1/', { secret: 'short' }),
      ).rejects.toThrow('secret: must be at least 16 characters');
    });

    it('matches wildcard allow-list entries', () => {
      const sender = new WebhookSender({
        allowedHosts: ['*.hooks.example.org', '[::1]'],
        allowPrivateNetworks: true,
      });
      expect(() =>
        sender.assertUrl('https://a.hooks.example.org/x'),
      ).not.toThrow();
      expect(() => sender.assertUrl('http://[::1]:8080/x')).not.toThrow();
      expect(() =>
        sender.assertUrl('https://hooks.example.org.evil.test/x'),
      ).toThrow(InputError);
      expect(() => sender.assertUrl('https://xhooks.example.org/x')).toThrow(
        InputError,
      );
    });
  });
});

describe('backoff and Retry-After parsing', () => {
  it('doubles the delay with jitter and caps it', async () => {
    const sleeps: number[] = [];
    const run = async (random: number) => {
      sleeps.length = 0;
      const sender = new WebhookSender(
        {
          ...fast,
          maxAttempts: 6,
          initialDelayMs: 100,
          maxDelayMs: 500,
          maxTotalMs: 60_000,
        },
        { sleep: async ms => void sleeps.push(ms), random: () => random },
      );
      receiver = await startReceiver(() => ({ status: 502 }));
      await deliver(sender, receiver.url);
      await receiver.close();
      receiver = undefined;
      return [...sleeps];
    };
    expect(await run(0)).toEqual([50, 100, 200, 250, 250]);
    expect(await run(0.999999)).toEqual([100, 200, 400, 500, 500]);
  });

  it('parses seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('signs deterministically for a given timestamp', () => {
    expect(signWebhookPayload('k'.repeat(16), '{}', 1700000000)).toBe(
      `t=1700000000,v1=${require('node:crypto')
        .createHmac('sha256', 'k'.repeat(16))
        .update('1700000000.{}')
        .digest('hex')}`,
    );
  });

  it('reads dockerEnv.webhooks', async () => {
    const sender = WebhookSender.fromConfig(
      new ConfigReader({
        dockerEnv: {
          webhooks: { allowedHosts: ['hooks.example.org'], maxAttempts: 2 },
        },
      }),
    );
    expect(() => sender.assertUrl('http://127.0.0.1/')).toThrow(
      'not in the webhook allow-list',
    );
    expect(() =>
      WebhookSender.fromConfig(
        new ConfigReader({ dockerEnv: { webhooks: { maxAttempts: 0 } } }),
      ),
    ).toThrow('maxAttempts: must be an integer from 1 to 20');
  });
});
