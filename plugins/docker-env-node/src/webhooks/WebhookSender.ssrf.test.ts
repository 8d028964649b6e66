import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { WebhookSender } from './WebhookSender';
import {
  deliver,
  startReceiver,
  fast,
} from '@docker-env/lab-testing/clients/receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** Webhook targets on loopback, private or link-local addresses are refused (after DNS resolution) unless allowed. */
describe('non-public targets', () => {
  const strict = {
    ...fast,
    allowPrivateNetworks: undefined,
    allowedHosts: undefined,
  };

  it.each([
    'http://127.0.0.1:1/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/x',
    'http://192.168.0.10/x',
    'http://[::1]:8080/x',
    'http://[fe80::1]/x',
    'http://[::ffff:127.0.0.1]/x',
    'http://localhost:7007/api/docker-env',
  ])('refuses %s by default, before sending', async url => {
    const sender = new WebhookSender(strict);
    expect(() => sender.assertUrl(url)).toThrow(
      /^url: .* is a loopback, private or link-local address/,
    );
    await expect(deliver(sender, url)).rejects.toThrow(InputError);
  });

  it('refuses a name that resolves to a private address, after resolution, without retrying', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const resolved: string[] = [];
    const sender = new WebhookSender(
      { ...strict, maxAttempts: 3 },
      {
        resolve: (host, _o, cb) => {
          resolved.push(host);
          cb(null, [{ address: '127.0.0.1', family: 4 }]);
        },
      },
    );
    expect(() =>
      sender.assertUrl(`http://hooks.example.org:${port}/x`),
    ).not.toThrow();
    const report = await deliver(sender, `http://hooks.example.org:${port}/x`);
    expect(report).toMatchObject({ ok: false, attempts: 1 });
    expect(report.error).toMatch(
      /hooks\.example\.org resolves to the non-public address 127\.0\.0\.1/,
    );
    expect(resolved).toEqual(['hooks.example.org']);
    expect(receiver.hits).toHaveLength(0);
  });

  it('delivers to such a name when private networks are allowed by config', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    const sender = WebhookSender.fromConfig(
      new ConfigReader({
        dockerEnv: { webhooks: { allowPrivateNetworks: true } },
      }),
      {
        resolve: (_h, _o, cb) =>
          cb(null, [{ address: '127.0.0.1', family: 4 }]),
      },
    );
    const report = await deliver(sender, `http://hooks.example.org:${port}/x`);
    expect(report).toMatchObject({ ok: true, attempts: 1 });
    expect(receiver.hits).toHaveLength(1);
  });
});
