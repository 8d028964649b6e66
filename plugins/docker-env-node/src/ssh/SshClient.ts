import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import { NodeSSH } from 'node-ssh';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { buildFromConfig, readSshConfig } from '../config';
import { UpstreamApiError } from '../errors';
import {
  assertAbsolutePosixPath,
  assertInteger,
  assertPort,
  assertPosixUsername,
  assertSha256Fingerprint,
  assertSshHost,
} from '../validation';
import { pinnedHostVerifier } from './hostKey';
import { shellCommand } from './shellQuote';
import {
  sftpListFiles,
  sftpReadFile,
  sftpRemoveFile,
  sftpWriteFileAtomic,
} from './sftpAtomic';

import { SshCommandError } from './SshCommandError';
import type {
  SshConnectionOptions,
  SshRunOptions,
  SshRunResult,
  SshSession,
} from './types';

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_COMMAND_TIMEOUT = 120_000;
const PID_MARK = '__docker_env_pid=';

/**
 * SSH client over node-ssh with host-key pinning, safe quoting and exit-code checks.
 *
 * @public
 */
export class SshClient implements SshSession {
  private readonly options: Required<
    Omit<SshConnectionOptions, 'passphrase'>
  > & { passphrase?: string };
  private connecting?: Promise<NodeSSH>;
  private sftp?: Promise<SFTPWrapper>;
  private hostKeyMismatch?: string;

  /**
   * Reads the shared SSH settings from `dockerEnv.ssh` (the SshConfig shape: username, privateKey,
   * passphrase, port, connectTimeoutMs, timeoutMs); the host and its pinned key come from the
   * caller (e.g. the environment record). A bad value is a ConfigError.
   */
  static fromConfig(
    config: Config,
    target: {
      host: string;
      hostKeySha256: string;
      port?: number;
      username?: string;
    },
  ): SshClient {
    const section = 'dockerEnv.ssh';
    const c = buildFromConfig(section, () =>
      readSshConfig(config.getConfig(section), section),
    );
    return new SshClient({
      host: target.host,
      hostKeySha256: target.hostKeySha256,
      port: target.port ?? c.port ?? 22,
      username: target.username ?? c.username ?? 'root',
      privateKey: c.privateKey,
      passphrase: c.passphrase,
      connectTimeoutMs: c.connectTimeoutMs,
      commandTimeoutMs: c.timeoutMs,
    });
  }

  constructor(options: SshConnectionOptions) {
    if (!options || typeof options !== 'object')
      throw new InputError('ssh: options are required');
    const host = assertSshHost(options.host, 'ssh.host');
    const port = assertPort(options.port ?? 22, 'ssh.port');
    const username = assertPosixUsername(options.username, 'ssh.username');
    if (
      typeof options.privateKey !== 'string' ||
      !options.privateKey.includes('PRIVATE KEY')
    ) {
      throw new InputError(
        'ssh.privateKey: must be a private key in OpenSSH or PEM format',
      );
    }
    if (options.hostKeySha256 === undefined) {
      throw new InputError(
        'ssh.hostKeySha256: is required (connections without a pinned host key are refused)',
      );
    }
    const hostKeySha256 = assertSha256Fingerprint(
      options.hostKeySha256,
      'ssh.hostKeySha256',
    );
    this.options = {
      host,
      port,
      username,
      privateKey: options.privateKey,
      passphrase: options.passphrase,
      hostKeySha256,
      connectTimeoutMs: assertInteger(
        options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT,
        'ssh.connectTimeoutMs',
        100,
        600_000,
      ),
      commandTimeoutMs: assertInteger(
        options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT,
        'ssh.commandTimeoutMs',
        100,
        86_400_000,
      ),
    };
  }

  /** `user@host:port`, for logs. */
  get target(): string {
    return `${this.options.username}@${this.options.host}:${this.options.port}`;
  }

  async run(
    command: string[],
    options: SshRunOptions = {},
  ): Promise<SshRunResult> {
    // The login shell prints its PID (sshd makes it a process-group leader) before running the
    // command, so a timeout can kill the whole group: sshd ignores signal requests for many
    // sessions, and closing the channel alone leaves a non-tty command running.
    const line = `echo ${PID_MARK}$$ && ${shellCommand(command)}`;
    const label = options.label ?? command[0];
    const okCodes = options.okExitCodes ?? [0];
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs;
    const ssh = await this.connection();
    let channel: ClientChannel | undefined;
    let head = '';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const pid = /^__docker_env_pid=([0-9]+)\n/.exec(head)?.[1];
        const kill = pid
          ? ssh
              .execCommand(
                `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid}`,
              )
              .catch(() => undefined)
          : Promise.resolve();
        kill.finally(() => channel?.close());
        reject(
          new UpstreamApiError(
            `ssh command ${label} timed out after ${timeoutMs} ms`,
            {
              system: 'ssh',
              reason: 'timeout',
              operation: `exec ${label}`,
            },
          ),
        );
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([
        ssh
          .execCommand(line, {
            stdin: options.stdin,
            noTrim: true,
            onChannel: c => {
              channel = c;
            },
            onStdout: chunk => {
              if (head.length < 64) head += chunk.toString('latin1');
            },
          })
          .catch(e => {
            throw this.transportError(`exec ${label}`, e);
          }),
        timeout,
      ]);
      const stdout = result.stdout.replace(/^__docker_env_pid=[0-9]+\n/, '');
      if (result.code === null || !okCodes.includes(result.code)) {
        throw new SshCommandError(
          label,
          result.code,
          result.signal,
          result.stderr,
        );
      }
      return { stdout, stderr: result.stderr, code: result.code };
    } finally {
      clearTimeout(timer);
    }
  }

  async uploadFile(
    localPath: string,
    remotePath: string,
    options: { mode?: number } = {},
  ): Promise<void> {
    assertAbsolutePosixPath(remotePath, 'remotePath');
    const content = await fs.readFile(localPath);
    await this.writeFileAtomic(remotePath, content, options);
  }

  async writeFileAtomic(
    remotePath: string,
    content: string | Buffer,
    options: { mode?: number } = {},
  ): Promise<void> {
    assertAbsolutePosixPath(remotePath, 'remotePath');
    const mode = assertInteger(options.mode ?? 0o644, 'mode', 0, 0o7777);
    const buffer =
      typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await this.withSftp(`write ${remotePath}`, sftp =>
      sftpWriteFileAtomic(sftp, remotePath, buffer, mode),
    );
  }

  async readFile(remotePath: string): Promise<Buffer | undefined> {
    assertAbsolutePosixPath(remotePath, 'remotePath');
    return this.withSftp(`read ${remotePath}`, sftp =>
      sftpReadFile(sftp, remotePath),
    );
  }

  async removeFile(remotePath: string): Promise<boolean> {
    assertAbsolutePosixPath(remotePath, 'remotePath');
    return this.withSftp(`remove ${remotePath}`, sftp =>
      sftpRemoveFile(sftp, remotePath),
    );
  }

  async listFiles(remoteDir: string): Promise<string[]> {
    assertAbsolutePosixPath(remoteDir, 'remoteDir');
    return this.withSftp(`list ${remoteDir}`, sftp =>
      sftpListFiles(sftp, remoteDir),
    );
  }

  async dispose(): Promise<void> {
    const pending = this.connecting;
    this.connecting = undefined;
    this.sftp = undefined;
    const ssh = await pending?.catch(() => undefined);
    ssh?.dispose();
  }

  /** Runs fn with the connection's SFTP session (opened once, reused), under the command timeout. */
  private async withSftp<T>(
    operation: string,
    fn: (sftp: SFTPWrapper) => Promise<T>,
  ): Promise<T> {
    const sftp = await this.sftpSession();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(sftp).catch(e => {
          throw this.transportError(`sftp ${operation}`, e);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // a stuck SFTP session is unusable: drop the whole connection
            this.dispose().catch(() => undefined);
            reject(
              new UpstreamApiError(`sftp ${operation} timed out`, {
                system: 'ssh',
                reason: 'timeout',
                operation: `sftp ${operation}`,
              }),
            );
          }, this.options.commandTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private sftpSession(): Promise<SFTPWrapper> {
    if (!this.sftp) {
      const session = this.connection().then(ssh =>
        ssh.requestSFTP().catch(e => {
          throw this.transportError('sftp open', e);
        }),
      );
      this.sftp = session;
      session.then(
        s =>
          s.once('close', () => {
            if (this.sftp === session) this.sftp = undefined;
          }),
        () => {
          if (this.sftp === session) this.sftp = undefined;
        },
      );
    }
    return this.sftp;
  }

  private connection(): Promise<NodeSSH> {
    if (this.connecting) {
      return this.connecting.then(ssh =>
        ssh.isConnected() ? ssh : this.reconnect(),
      );
    }
    return this.reconnect();
  }

  private reconnect(): Promise<NodeSSH> {
    this.sftp = undefined;
    const {
      host,
      port,
      username,
      privateKey,
      passphrase,
      hostKeySha256,
      connectTimeoutMs,
    } = this.options;
    this.hostKeyMismatch = undefined;
    const ssh = new NodeSSH();
    const attempt = ssh
      .connect({
        host,
        port,
        username,
        privateKey,
        passphrase,
        readyTimeout: connectTimeoutMs,
        hostHash: 'sha256',
        hostVerifier: pinnedHostVerifier(hostKeySha256, presented => {
          this.hostKeyMismatch = presented;
        }),
      } as Parameters<NodeSSH['connect']>[0])
      .then(
        () => {
          ssh.connection?.setMaxListeners(100);
          return ssh;
        },
        e => {
          ssh.dispose();
          throw this.transportError('connect', e);
        },
      );
    this.connecting = attempt;
    attempt.catch(() => {
      if (this.connecting === attempt) this.connecting = undefined;
    });
    return attempt;
  }

  private transportError(operation: string, e: unknown): UpstreamApiError {
    if (e instanceof UpstreamApiError) return e;
    if (operation === 'connect' && this.hostKeyMismatch) {
      return new UpstreamApiError(
        `ssh host key of ${this.options.host}:${this.options.port} does not match the pinned key (server presented ${this.hostKeyMismatch})`,
        { system: 'ssh', reason: 'host key mismatch', operation, cause: e },
      );
    }
    const err = e as { code?: unknown; level?: unknown; message?: string };
    let reason = err?.message ?? 'unknown error';
    if (typeof err?.code === 'string') reason = err.code;
    if (err?.level === 'client-authentication')
      reason = 'authentication failed';
    return new UpstreamApiError(
      `ssh ${operation} on ${this.options.host}:${this.options.port} failed: ${reason}`,
      {
        system: 'ssh',
        reason,
        operation,
        cause: e,
      },
    );
  }
}
