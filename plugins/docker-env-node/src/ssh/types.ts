/**
 * How to reach one SSH host. The host key is always pinned: there is no accept-any mode.
 *
 * @public
 */
export interface SshConnectionOptions {
  host: string;
  /** Defaults to 22. */
  port?: number;
  username: string;
  /** OpenSSH or PEM private key text. */
  privateKey: string;
  passphrase?: string;
  /** The host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64>`. */
  hostKeySha256: string;
  /** Handshake timeout; default 10 s. */
  connectTimeoutMs?: number;
  /** Default timeout of each command and SFTP operation; default 120 s. */
  commandTimeoutMs?: number;
}

/**
 * Options of one remote command.
 *
 * @public
 */
export interface SshRunOptions {
  timeoutMs?: number;
  /** Sent to the command's stdin, which is then closed. */
  stdin?: string;
  /** Exit codes that count as success; default [0]. */
  okExitCodes?: number[];
  /** Short label for errors instead of the program name (arguments never appear in errors). */
  label?: string;
}

/**
 * Output of a finished remote command.
 *
 * @public
 */
export interface SshRunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Remote command execution and file transfer over one reused SSH connection.
 *
 * @public
 */
export interface SshSession {
  /** Runs argv on the remote host, each argument quoted for POSIX sh; throws SshCommandError on a bad exit code. */
  run(command: string[], options?: SshRunOptions): Promise<SshRunResult>;
  /** Uploads a local file atomically (temp + fsync + posix-rename). */
  uploadFile(
    localPath: string,
    remotePath: string,
    options?: { mode?: number },
  ): Promise<void>;
  /** Writes content to a remote file atomically (temp + fsync + posix-rename). */
  writeFileAtomic(
    remotePath: string,
    content: string | Buffer,
    options?: { mode?: number },
  ): Promise<void>;
  /** Reads a remote file; undefined when it does not exist. */
  readFile(remotePath: string): Promise<Buffer | undefined>;
  /** Deletes a remote file; false when it was already gone. */
  removeFile(remotePath: string): Promise<boolean>;
  /** Names of regular files in a remote directory. */
  listFiles(remoteDir: string): Promise<string[]>;
  /** Closes the connection; a later call reconnects. */
  dispose(): Promise<void>;
}
