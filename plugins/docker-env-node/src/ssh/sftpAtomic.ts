import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';

// Promise wrappers over ssh2's callback SFTP API, and the atomic write built on them.

const CHUNK = 32 * 1024;
const NO_SUCH_FILE = 2; // SSH_FX_NO_SUCH_FILE

/** True when an SFTP error means "no such file". */
export function isNoSuchFile(e: unknown): boolean {
  return (
    (e as { code?: unknown })?.code === NO_SUCH_FILE ||
    (e as { code?: unknown })?.code === 'ENOENT'
  );
}

function call<T>(
  fn: (cb: (err: Error | null | undefined, v?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((err, v) => (err ? reject(err) : resolve(v as T)));
    } catch (e) {
      // ssh2 throws synchronously when the server lacks an extension
      reject(e);
    }
  });
}

function supports(sftp: SFTPWrapper, extension: string): boolean {
  const exts =
    (sftp as unknown as { _extensions?: Record<string, string> })._extensions ??
    {};
  return exts[extension] === '1';
}

/**
 * Writes `content` to `remotePath` atomically: a hidden temp file in the same directory (not
 * ending in the target's extension), fsync when the server offers fsync@openssh.com, then
 * posix-rename@openssh.com, which replaces the target in one step.
 */
export async function sftpWriteFileAtomic(
  sftp: SFTPWrapper,
  remotePath: string,
  content: Buffer,
  mode = 0o644,
): Promise<void> {
  if (!supports(sftp, 'posix-rename@openssh.com')) {
    throw new Error(
      'SFTP server does not support posix-rename@openssh.com; cannot replace files atomically',
    );
  }
  const dir = path.posix.dirname(remotePath);
  const temp = path.posix.join(
    dir,
    `.${path.posix.basename(remotePath)}.tmp-${randomBytes(6).toString('hex')}`,
  );
  let handle: Buffer | undefined;
  try {
    // 'wx': fail rather than follow a pre-existing file or link at the temp name
    const h = await call<Buffer>(cb => sftp.open(temp, 'wx', { mode }, cb));
    handle = h;
    for (let offset = 0; offset < content.length; offset += CHUNK) {
      const start = offset;
      const len = Math.min(CHUNK, content.length - start);
      await call<void>(cb => sftp.write(h, content, start, len, start, cb));
    }
    if (supports(sftp, 'fsync@openssh.com')) {
      await call<void>(cb => sftp.ext_openssh_fsync(h, cb));
    }
    handle = undefined;
    await call<void>(cb => sftp.close(h, cb));
    await call<void>(cb => sftp.ext_openssh_rename(temp, remotePath, cb));
  } catch (e) {
    if (handle)
      await call<void>(cb => sftp.close(handle!, cb)).catch(() => undefined);
    await call<void>(cb => sftp.unlink(temp, cb)).catch(() => undefined);
    throw e;
  }
}

/** Reads a remote file; undefined when it does not exist. */
export async function sftpReadFile(
  sftp: SFTPWrapper,
  remotePath: string,
): Promise<Buffer | undefined> {
  try {
    return await call<Buffer>(cb =>
      sftp.readFile(
        remotePath,
        cb as (err: Error | undefined, b: Buffer) => void,
      ),
    );
  } catch (e) {
    if (isNoSuchFile(e)) return undefined;
    throw e;
  }
}

/** Deletes a remote file; false when it did not exist. */
export async function sftpRemoveFile(
  sftp: SFTPWrapper,
  remotePath: string,
): Promise<boolean> {
  try {
    await call<void>(cb => sftp.unlink(remotePath, cb));
    return true;
  } catch (e) {
    if (isNoSuchFile(e)) return false;
    throw e;
  }
}

/** Names of the regular files in a remote directory. */
export async function sftpListFiles(
  sftp: SFTPWrapper,
  remoteDir: string,
): Promise<string[]> {
  const entries = await call<
    Array<{ filename: string; attrs: { isFile(): boolean } }>
  >(cb => sftp.readdir(remoteDir, cb as never));
  return entries.filter(e => e.attrs.isFile()).map(e => e.filename);
}
