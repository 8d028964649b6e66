import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { AddressObject, ParsedMail, simpleParser } from 'mailparser';
import net from 'node:net';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';
import { UpstreamApiError } from '../errors';
import { Mailer, MailerOptions } from './Mailer';

interface Received {
  mail: ParsedMail;
  envelopeFrom: string;
  envelopeTo: string[];
  user?: string;
}

/** A real SMTP server on 127.0.0.1 (smtp-server), recording what arrives. */
async function startSmtp(
  opts: { auth?: { user: string; pass: string }; reject?: string[] } = {},
) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (
        opts.auth &&
        auth.username === opts.auth.user &&
        auth.password === opts.auth.pass
      ) {
        cb(null, { user: auth.username });
      } else {
        cb(
          Object.assign(new Error('Authentication failed'), {
            responseCode: 535,
          }),
        );
      }
    },
    onRcptTo(address, _session, cb) {
      if (opts.reject?.includes(address.address)) {
        cb(
          Object.assign(new Error('5.1.1 No such user here'), {
            responseCode: 550,
          }),
        );
      } else {
        cb();
      }
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then(mail => {
          received.push({
            mail,
            envelopeFrom: (session.envelope.mailFrom as SMTPServerAddress)
              .address,
            envelopeTo: session.envelope.rcptTo.map(r => r.address),
            user: session.user as string | undefined,
          });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (
    (
      server as unknown as { server: net.Server }
    ).server.address() as net.AddressInfo
  ).port;
  return {
    port,
    received,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

function mailer(
  port: number,
  extra: Partial<MailerOptions['smtp']> = {},
): Mailer {
  return new Mailer({
    from: 'portal@docker-env.test',
    fromName: 'Docker Env Portal',
    smtp: { host: '127.0.0.1', port, timeoutMs: 3000, ...extra },
  });
}

function addresses(
  a: AddressObject | AddressObject[] | undefined,
): (string | undefined)[] {
  if (!a) return [];
  return (Array.isArray(a) ? a : [a]).flatMap(x => x.value.map(v => v.address));
}

describe('Mailer against a real SMTP server', () => {
  it('delivers subject, text, html and recipients', async () => {
    const smtp = await startSmtp();
    try {
      const result = await mailer(smtp.port).send({
        to: ['alice@docker-env.test', 'bob@docker-env.test'],
        subject: 'Environment dev-42 is ready ✓',
        text: 'Your environment is up.\nhttps://dev-42.docker-env.test',
        html: '<p>Your environment is <b>up</b>.</p>',
      });
      expect(result.accepted).toEqual([
        'alice@docker-env.test',
        'bob@docker-env.test',
      ]);
      expect(result.rejected).toEqual([]);
      expect(smtp.received).toHaveLength(1);
      const [{ mail, envelopeFrom, envelopeTo }] = smtp.received;
      expect(envelopeFrom).toBe('portal@docker-env.test');
      expect(envelopeTo).toEqual([
        'alice@docker-env.test',
        'bob@docker-env.test',
      ]);
      expect(mail.subject).toBe('Environment dev-42 is ready ✓');
      expect(mail.text?.trim()).toBe(
        'Your environment is up.\nhttps://dev-42.docker-env.test',
      );
      expect(mail.html).toContain('<b>up</b>');
      expect(mail.from?.value[0]).toEqual({
        name: 'Docker Env Portal',
        address: 'portal@docker-env.test',
      });
      expect(addresses(mail.to)).toEqual([
        'alice@docker-env.test',
        'bob@docker-env.test',
      ]);
      expect(mail.messageId).toBe(result.messageId);
    } finally {
      await smtp.close();
    }
  });

  it('authenticates when the server requires it', async () => {
    const smtp = await startSmtp({ auth: { user: 'portal', pass: 's3cret' } });
    try {
      await mailer(smtp.port, {
        auth: { user: 'portal', pass: 's3cret' },
        allowInsecure: true,
      }).send({
        to: 'carol@docker-env.test',
        subject: 'hi',
        text: 'authenticated',
      });
      expect(smtp.received.map(r => r.user)).toEqual(['portal']);
    } finally {
      await smtp.close();
    }
  });

  it('never sends a password without TLS by default', async () => {
    const smtp = await startSmtp({ auth: { user: 'portal', pass: 's3cret' } });
    try {
      const error = await mailer(smtp.port, {
        auth: { user: 'portal', pass: 's3cret' },
      })
        .send({ to: 'a@docker-env.test', subject: 's', text: 't' })
        .catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error.message).not.toContain('s3cret');
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
    expect(() =>
      mailer(25, {
        auth: { user: 'portal', pass: 's3cret' },
        requireTls: false,
      }),
    ).toThrow(/^smtp\.requireTls: a password is only sent over TLS/);
    expect(
      () =>
        new Mailer({
          from: 'portal@docker-env.test',
          smtp: { host: 'smtp.example.org', port: 25, allowInsecure: true },
        }),
    ).toThrow(/^smtp\.allowInsecure: only allowed for loopback hosts/);
  });

  it('fails without credentials when the server requires auth', async () => {
    const smtp = await startSmtp({ auth: { user: 'portal', pass: 's3cret' } });
    try {
      const error = await mailer(smtp.port)
        .send({ to: 'a@docker-env.test', subject: 's', text: 't' })
        .catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({ system: 'smtp', status: 530 });
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('maps a wrong password to UpstreamApiError without leaking it', async () => {
    const smtp = await startSmtp({ auth: { user: 'portal', pass: 's3cret' } });
    try {
      const error = await mailer(smtp.port, {
        auth: { user: 'portal', pass: 'wrong-pass-987' },
        allowInsecure: true,
      })
        .send({ to: 'a@docker-env.test', subject: 's', text: 't' })
        .catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({ system: 'smtp', status: 535 });
      expect(
        JSON.stringify({
          m: error.message,
          r: error.reason,
          o: error.operation,
        }),
      ).not.toContain('wrong-pass-987');
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('fails when the server rejects the only recipient with 550', async () => {
    const smtp = await startSmtp({ reject: ['ghost@docker-env.test'] });
    try {
      const error = await mailer(smtp.port)
        .send({ to: 'ghost@docker-env.test', subject: 's', text: 't' })
        .catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error.status).toBe(550);
      expect(error.fieldErrors['ghost@docker-env.test']).toMatch(
        /^550 5\.1\.1 No such user/,
      );
      expect(smtp.received).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });

  it('reports a rejected recipient when others were accepted', async () => {
    const smtp = await startSmtp({ reject: ['ghost@docker-env.test'] });
    try {
      const result = await mailer(smtp.port).send({
        to: ['alice@docker-env.test', 'ghost@docker-env.test'],
        subject: 's',
        text: 't',
      });
      expect(result).toMatchObject({
        accepted: ['alice@docker-env.test'],
        rejected: ['ghost@docker-env.test'],
      });
      expect(smtp.received[0].envelopeTo).toEqual(['alice@docker-env.test']);
    } finally {
      await smtp.close();
    }
  });

  it('fails on a closed port', async () => {
    const server = net.createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise(r => server.close(r));
    const error = await mailer(port)
      .send({ to: 'a@docker-env.test', subject: 's', text: 't' })
      .catch(e => e);
    expect(error).toBeInstanceOf(UpstreamApiError);
    expect(error).toMatchObject({ system: 'smtp', status: undefined });
  });

  it('times out against a server that never greets', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer(s => sockets.push(s));
    await new Promise<void>(r => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      const error = await mailer(port, { timeoutMs: 300 })
        .send({ to: 'a@docker-env.test', subject: 's', text: 't' })
        .catch(e => e);
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      sockets.forEach(s => s.destroy());
      await new Promise(r => silent.close(r));
    }
  });

  describe('input validation (nothing is sent)', () => {
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    beforeAll(async () => {
      smtp = await startSmtp();
    });
    afterAll(() => smtp.close());

    it.each([
      [
        { subject: 'hi\r\nBcc: victim@evil.test' },
        'subject: must not contain line breaks',
      ],
      [
        { subject: 'hi\nX-Injected: 1' },
        'subject: must not contain line breaks',
      ],
      [
        { to: 'a@docker-env.test\r\nBcc: victim@evil.test' },
        'to: must not contain line breaks',
      ],
      [
        { to: 'a@docker-env.test, victim@evil.test' },
        'to: must be a single address',
      ],
      [{ to: 'Alice <a@docker-env.test>' }, 'to: must be a single address'],
      [
        { to: ['a@docker-env.test', 'not-an-address'] },
        'to[1]: must be a single address',
      ],
      [{ to: [] }, 'to: must name at least one recipient'],
      [{ to: 'a@localhost' }, 'to: must be a single address'],
    ])('refuses %j', async (override, message) => {
      const send = mailer(smtp.port).send({
        to: 'a@docker-env.test',
        subject: 's',
        text: 't',
        ...override,
      });
      await expect(send).rejects.toThrow(InputError);
      await expect(
        mailer(smtp.port).send({
          to: 'a@docker-env.test',
          subject: 's',
          text: 't',
          ...override,
        }),
      ).rejects.toThrow(message);
      expect(smtp.received).toHaveLength(0);
    });
  });

  describe('fromConfig', () => {
    it('reads dockerEnv.mail and sends', async () => {
      const smtp = await startSmtp({ auth: { user: 'u', pass: 'p' } });
      try {
        const m = Mailer.fromConfig(
          new ConfigReader({
            dockerEnv: {
              mail: {
                from: 'noreply@docker-env.test',
                transport: {
                  smtp: {
                    host: '127.0.0.1',
                    port: smtp.port,
                    secure: false,
                    allowInsecure: true,
                    auth: { user: 'u', pass: 'p' },
                  },
                },
              },
            },
          }),
        );
        await m.send({ to: 'dave@docker-env.test', subject: 'cfg', text: 'x' });
        expect(smtp.received[0].envelopeFrom).toBe('noreply@docker-env.test');
      } finally {
        await smtp.close();
      }
    });

    it('refuses a bad from address', () => {
      expect(
        () =>
          new Mailer({
            from: 'x@y.test\r\nBcc: z@evil.test',
            smtp: { host: '127.0.0.1', port: 25 },
          }),
      ).toThrow('from: must not contain line breaks');
    });
  });
});
