import { ParsedMail, simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps every mail it receives. */
export interface SmtpSink {
  port: number;
  received: Array<{ to: string[]; mail: ParsedMail }>;
  close(): Promise<void>;
}

/** Starts an {@link SmtpSink} on a free loopback port. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: SmtpSink['received'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, cb) {
      simpleParser(stream)
        .then(mail => {
          received.push({
            to: session.envelope.rcptTo.map(r => r.address),
            mail,
          });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = (
    server as unknown as { server: { address(): AddressInfo } }
  ).server.address();
  return {
    port,
    received,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** `notifications` config that sends Backstage's notification emails to the sink on `port`. */
export function smtpNotificationsConfig(port: number) {
  return {
    processors: {
      email: {
        transportConfig: {
          transport: 'smtp',
          hostname: '127.0.0.1',
          port,
          secure: false,
        },
        sender: 'backstage@docker.example.com',
      },
    },
  };
}
