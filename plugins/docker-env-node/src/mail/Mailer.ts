import { Config } from '@backstage/config';
import { buildFromConfig, isLoopbackHost, readTimeoutMs } from '../config';
import { InputError } from '@backstage/errors';
import nodemailer, { Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { UpstreamApiError } from '../errors';
import { assertEmailAddress, assertHeaderText } from './validation';

/** A plain notification mail. */
export interface MailMessage {
  /** One address or several; each a bare `user@example.org`. */
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
}

/** What the server did with a message. */
export interface MailSendResult {
  messageId: string;
  accepted: string[];
  /** Recipients the server refused while accepting others (the mail went to the accepted ones). */
  rejected: string[];
}

/** Sends mail; implemented over SMTP by {@link Mailer}. */
export interface MailSender {
  /** Validates and sends one message; UpstreamApiError (system `smtp`) when the server refuses it. */
  send(message: MailMessage): Promise<MailSendResult>;
}

/** SMTP settings; `dockerEnv.mail.transport.smtp` in app-config. */
export interface SmtpOptions {
  host: string;
  port: number;
  /** true for implicit TLS (port 465); false uses STARTTLS when the server offers it. */
  secure?: boolean;
  /**
   * Refuse to send unless STARTTLS succeeds. Defaults to true when `auth` is set (a password is
   * never sent in clear text) unless `allowInsecure`.
   */
  requireTls?: boolean;
  auth?: { user: string; pass: string };
  /** Allow a password over a plain connection; accepted for loopback hosts only (the lab). */
  allowInsecure?: boolean;
  /** Connect, greeting and socket timeout in milliseconds (default 10000). */
  timeoutMs?: number;
  /** Defaults to true; false only for lab servers with self-signed certificates. */
  rejectUnauthorized?: boolean;
}

/** Settings of {@link Mailer}. */
export interface MailerOptions {
  smtp: SmtpOptions;
  /** Sender address. */
  from: string;
  /** Optional sender display name. */
  fromName?: string;
}

const MAX_RECIPIENTS = 100;
const MAX_SUBJECT = 998;
const MAX_BODY_BYTES = 1024 * 1024;

/** {@link MailSender} over SMTP with nodemailer; one connection per message. */
export class Mailer implements MailSender {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  /** Reads `dockerEnv.mail`; a bad value is a ConfigError. */
  static fromConfig(config: Config): Mailer {
    return buildFromConfig('dockerEnv.mail', () => Mailer.read(config));
  }

  private static read(config: Config): Mailer {
    const c = config.getConfig('dockerEnv.mail');
    const smtp = c.getConfig('transport.smtp');
    const auth = smtp.getOptionalConfig('auth');
    return new Mailer({
      from: c.getString('from'),
      fromName: c.getOptionalString('fromName'),
      smtp: {
        host: smtp.getString('host'),
        port: smtp.getNumber('port'),
        secure: smtp.getOptionalBoolean('secure'),
        requireTls: smtp.getOptionalBoolean('requireTls'),
        timeoutMs: readTimeoutMs(smtp, 'dockerEnv.mail.transport.smtp'),
        rejectUnauthorized: smtp.getOptionalBoolean('rejectUnauthorized'),
        allowInsecure: smtp.getOptionalBoolean('allowInsecure'),
        auth: auth && {
          user: auth.getString('user'),
          pass: auth.getString('pass'),
        },
      },
    });
  }

  constructor(private readonly options: MailerOptions) {
    assertEmailAddress('from', options.from);
    if (options.fromName !== undefined)
      assertHeaderText('fromName', options.fromName, 200);
    const { smtp } = options;
    if (
      typeof smtp.host !== 'string' ||
      !/^[A-Za-z0-9.:[\]-]+$/.test(smtp.host)
    ) {
      throw new InputError('smtp.host: must be a host name or IP address');
    }
    if (!Number.isInteger(smtp.port) || smtp.port < 1 || smtp.port > 65535) {
      throw new InputError('smtp.port: must be an integer from 1 to 65535');
    }
    const timeout = smtp.timeoutMs ?? 10_000;
    if (smtp.allowInsecure && !isLoopbackHost(smtp.host)) {
      throw new InputError(
        `smtp.allowInsecure: only allowed for loopback hosts, not ${smtp.host}`,
      );
    }
    const plainPassword =
      smtp.auth !== undefined && !smtp.secure && smtp.requireTls === false;
    if (plainPassword && !smtp.allowInsecure) {
      throw new InputError(
        'smtp.requireTls: a password is only sent over TLS; use secure or requireTls (allowInsecure is for loopback labs only)',
      );
    }
    const requireTls =
      smtp.requireTls ??
      (smtp.auth !== undefined && !smtp.secure && !smtp.allowInsecure);
    this.transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure ?? false,
      requireTLS: requireTls,
      auth: smtp.auth
        ? { user: smtp.auth.user, pass: smtp.auth.pass }
        : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      tls: { rejectUnauthorized: smtp.rejectUnauthorized ?? true },
    });
  }

  async send(message: MailMessage): Promise<MailSendResult> {
    const to = Array.isArray(message.to) ? message.to : [message.to];
    if (to.length === 0)
      throw new InputError('to: must name at least one recipient');
    if (to.length > MAX_RECIPIENTS) {
      throw new InputError(
        `to: must have at most ${MAX_RECIPIENTS} recipients`,
      );
    }
    to.forEach((address, i) =>
      assertEmailAddress(to.length > 1 ? `to[${i}]` : 'to', address),
    );
    assertHeaderText('subject', message.subject, MAX_SUBJECT);
    if (typeof message.text !== 'string')
      throw new InputError('text: must be a string');
    if (message.html !== undefined && typeof message.html !== 'string') {
      throw new InputError('html: must be a string');
    }
    const bytes =
      Buffer.byteLength(message.text) + Buffer.byteLength(message.html ?? '');
    if (bytes > MAX_BODY_BYTES) {
      throw new InputError(
        `text: body must be at most ${MAX_BODY_BYTES} bytes`,
      );
    }

    try {
      const info = await this.transporter.sendMail({
        from: { name: this.options.fromName ?? '', address: this.options.from },
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        // content is plain strings: never let nodemailer read local files or fetch URLs for it
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      return {
        messageId: info.messageId,
        accepted: info.accepted.map(addressOf),
        rejected: info.rejected.map(addressOf),
      };
    } catch (e) {
      throw toSmtpError(e);
    }
  }

  /** Closes pooled connections, if any. */
  close(): void {
    this.transporter.close();
  }
}

function addressOf(a: string | { address: string }): string {
  return typeof a === 'string' ? a : a.address;
}

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  rejectedErrors?: Array<{ recipient?: string; response?: string }>;
}

function toSmtpError(error: unknown): Error {
  const err = (
    error instanceof Error ? error : new Error(String(error))
  ) as NodemailerError;
  const fieldErrors: Record<string, string> = {};
  for (const r of err.rejectedErrors ?? []) {
    if (r.recipient) fieldErrors[r.recipient] = r.response ?? 'rejected';
  }
  const reason = err.response ?? err.code ?? err.message;
  return new UpstreamApiError(`SMTP send failed: ${err.message}`, {
    system: 'smtp',
    status: err.responseCode,
    reason,
    fieldErrors,
    operation: err.command ? `send (${err.command})` : 'send',
    cause: err,
  });
}
