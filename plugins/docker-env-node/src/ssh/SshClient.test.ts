import { serializeError } from '@backstage/errors';
import { InputError } from '@backstage/errors';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UpstreamApiError } from '../errors';
import { SshClient } from './SshClient';
import { SshCommandError } from './SshCommandError';
import { sshdTestEnv } from '@docker-env/lab-testing/clients/sshdTestEnv';

// Against the real OpenSSH server from scripts/services/sshd.sh (127.0.0.1 only). Each test opens SSH sessions
// (key exchange is CPU-bound): a loaded machine needs more than jest's 5 s default.
jest.setTimeout(30_000);

const env = sshdTestEnv();
const options = {
  host: env.host,
  port: env.port,
  username: env.username,
  privateKey: env.privateKey,
  hostKeySha256: env.hostKeySha256,
};

describe('SshClient against a real sshd', () => {
  let ssh: SshClient;
  let dir: string;
  beforeAll(() => {
    ssh = new SshClient(options);
  });
  afterAll(async () => {
    await ssh.dispose();
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ssh-test-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('pins the key ssh-keygen reports and runs a command', async () => {
    expect(env.hostKeySha256).toMatch(/^SHA256:/);
    const { stdout, code } = await ssh.run(['id', '-un']);
    expect(code).toBe(0);
    expect(stdout).toBe(`${env.username}\n`);
  });

  it('delivers hostile arguments verbatim (echoed back NUL-separated)', async () => {
    const marker = path.join(dir, 'pwned');
    const args = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `; touch ${marker}`,
      "it's 'quoted'",
      '"double" \\ back',
      'line1\nline2\n',
      '$HOME $1 ${PATH}',
      '',
      '*',
      '=cmd',
      'ünïcødé ✓',
    ];
    const { stdout } = await ssh.run(['printf', '%s\\0', ...args]);
    expect(stdout.split('\0').slice(0, -1)).toEqual(args);
    await expect(fs.stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('throws SshCommandError with the exit code and the stderr tail on failure', async () => {
    const err = await ssh
      .run([
        'sh',
        '-c',
        'echo "first line" >&2; echo "the real cause" >&2; exit 3',
      ])
      .catch(e => e);
    expect(err).toBeInstanceOf(SshCommandError);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err).toMatchObject({
      system: 'ssh',
      exitCode: 3,
      operation: 'exec sh',
    });
    expect(err.stderrTail).toBe('first line\nthe real cause');
    // remote output stays out of the message and out of what reaches an API response
    expect(err.message).toBe('ssh command sh exited with code 3');
    const serialized = JSON.stringify(serializeError(err));
    expect(serialized).not.toContain('the real cause');
    expect(serialized).toContain('exited with code 3');
    // arguments (which may carry secrets) never appear in the error
    const secret = await ssh
      .run(['sh', '-c', 'exit 1', 'sh', 'TOPSECRET'])
      .catch(e => e);
    expect(secret.message).not.toContain('TOPSECRET');
    expect(
      await ssh.run(['sh', '-c', 'exit 2'], { okExitCodes: [0, 2] }),
    ).toMatchObject({ code: 2 });
    await expect(ssh.run(['false'], { label: 'my-step' })).rejects.toThrow(
      /my-step exited with code 1/,
    );
  });

  it('sends stdin and keeps output untrimmed', async () => {
    const { stdout } = await ssh.run(['cat'], { stdin: '  padded\n\n' });
    expect(stdout).toBe('  padded\n\n');
    expect((await ssh.run(['cat'])).stdout).toBe('');
  });

  it('times out a hanging command', async () => {
    const started = Date.now();
    const marker = `sleep-${process.pid}-${Date.now() % 100000}`;
    // a child of a shell: the whole remote process group must die, not just the channel
    await expect(
      ssh.run(['sh', '-c', 'sleep 37 & wait; echo "$1"', 'sh', marker], {
        timeoutMs: 500,
      }),
    ).rejects.toMatchObject({ system: 'ssh', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
    let survivors = '';
    for (let i = 0; i < 20; i++) {
      survivors = (
        await ssh.run([
          'sh',
          '-c',
          'ps -eo args | grep -F "$1" | grep -v grep || true',
          'sh',
          marker,
        ])
      ).stdout;
      if (!survivors) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(survivors).toBe('');
    // the connection is still usable
    expect((await ssh.run(['echo', 'ok'])).stdout).toBe('ok\n');
  });

  it('reuses one connection and reconnects after dispose', async () => {
    const port = async (c: SshClient) =>
      (await c.run(['sh', '-c', 'echo $SSH_CONNECTION'])).stdout.split(' ')[1];
    const a = await port(ssh);
    const results = await Promise.all([port(ssh), port(ssh), port(ssh)]);
    expect(results).toEqual([a, a, a]);
    await ssh.dispose();
    const b = await port(ssh);
    expect(b).not.toBe(a);
  });

  it('refuses a server whose host key does not match the pin, before running anything', async () => {
    const wrong = new SshClient({
      ...options,
      hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    });
    const marker = path.join(dir, 'ran');
    const err = await wrong.run(['touch', marker]).catch(e => e);
    expect(err).toBeInstanceOf(UpstreamApiError);
    expect(err).toMatchObject({ system: 'ssh', reason: 'host key mismatch' });
    expect(err.message).toContain(env.hostKeySha256);
    await expect(fs.stat(marker)).rejects.toMatchObject({ code: 'ENOENT' });
    await wrong.dispose();
  });

  it('refuses to exist without a pinned host key or with invalid target values', () => {
    expect(
      () =>
        new SshClient({
          ...options,
          hostKeySha256: undefined as unknown as string,
        }),
    ).toThrow(/hostKeySha256: is required/);
    expect(() => new SshClient({ ...options, hostKeySha256: 'any' })).toThrow(
      InputError,
    );
    expect(() => new SshClient({ ...options, host: 'a b' })).toThrow(
      /ssh.host/,
    );
    expect(() => new SshClient({ ...options, host: 'root@host' })).toThrow(
      /ssh.host/,
    );
    expect(() => new SshClient({ ...options, port: 0 })).toThrow(/ssh.port/);
    expect(() => new SshClient({ ...options, username: 'root;id' })).toThrow(
      /ssh.username/,
    );
    expect(() => new SshClient({ ...options, privateKey: 'nope' })).toThrow(
      /privateKey/,
    );
  });

  it('maps a wrong client key to an authentication failure', async () => {
    const keyFile = path.join(dir, 'other');
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      keyFile,
    ]);
    const other = new SshClient({
      ...options,
      privateKey: await fs.readFile(keyFile, 'utf8'),
    });
    await expect(other.run(['true'])).rejects.toMatchObject({
      system: 'ssh',
      reason: 'authentication failed',
    });
    await other.dispose();
  });

  it('maps a refused connection to an UpstreamApiError', async () => {
    const closed = new SshClient({
      ...options,
      port: 1,
      connectTimeoutMs: 2000,
    });
    await expect(closed.run(['true'])).rejects.toMatchObject({
      system: 'ssh',
      reason: 'ECONNREFUSED',
    });
    await closed.dispose();
  });

  it('writes files atomically over SFTP, reads them back, replaces and removes them', async () => {
    const target = path.join(dir, 'config.yml');
    await ssh.writeFileAtomic(target, 'first\n');
    expect(await fs.readFile(target, 'utf8')).toBe('first\n');
    expect((await fs.stat(target)).mode & 0o777).toBe(0o644);
    const big = Buffer.alloc(200_000, 'x');
    await ssh.writeFileAtomic(target, big, { mode: 0o600 });
    expect(await fs.readFile(target)).toEqual(big);
    expect((await fs.stat(target)).mode & 0o777).toBe(0o600);
    expect((await ssh.readFile(target))!.equals(big)).toBe(true);
    expect(await fs.readdir(dir)).toEqual(['config.yml']);
    expect(await ssh.listFiles(dir)).toEqual(['config.yml']);
    expect(await ssh.removeFile(target)).toBe(true);
    expect(await ssh.removeFile(target)).toBe(false);
    expect(await ssh.readFile(target)).toBeUndefined();
  });

  it('uploads a local file', async () => {
    const local = path.join(dir, 'local.sh');
    await fs.writeFile(local, '#!/bin/sh\necho uploaded\n');
    await ssh.uploadFile(local, path.join(dir, 'remote.sh'), { mode: 0o755 });
    expect((await ssh.run([path.join(dir, 'remote.sh')])).stdout).toBe(
      'uploaded\n',
    );
  });

  it('reports SFTP failures and leaves no temp file behind', async () => {
    await expect(
      ssh.writeFileAtomic(path.join(dir, 'missing', 'x.yml'), 'x'),
    ).rejects.toMatchObject({ system: 'ssh' });
    await expect(ssh.writeFileAtomic('relative/path', 'x')).rejects.toThrow(
      InputError,
    );
    await expect(ssh.writeFileAtomic(`${dir}/../x`, 'x')).rejects.toThrow(
      InputError,
    );
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
