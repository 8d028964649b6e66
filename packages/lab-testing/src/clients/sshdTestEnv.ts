import fs from 'node:fs';
import path from 'node:path';
import { findRepoRoot } from '@docker-env/lab';

/** Connection details of the test sshd started by scripts/services/sshd.sh. */
export interface SshdTestEnv {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  hostKeySha256: string;
}

const VARS = [
  'DOCKER_ENV_TEST_SSH_HOST',
  'DOCKER_ENV_TEST_SSH_PORT',
  'DOCKER_ENV_TEST_SSH_USER',
  'DOCKER_ENV_TEST_SSH_KEY_PATH',
  'DOCKER_ENV_TEST_SSH_HOST_KEY_SHA256',
] as const;

/**
 * Reads the DOCKER_ENV_TEST_SSH_* variables (or, when unset, the .tools/services/sshd.env file
 * the script writes). Throws when the server is not configured: these tests never skip.
 */
export function sshdTestEnv(): SshdTestEnv {
  const env: Record<string, string | undefined> = {};
  for (const v of VARS) env[v] = process.env[v];
  if (VARS.some(v => !env[v])) {
    const file = path.join(
      findRepoRoot(process.cwd()),
      '.tools/services/sshd.env',
    );
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m && !env[m[1]]) env[m[1]] = m[2];
      }
    }
  }
  const missing = VARS.filter(v => !env[v]);
  if (missing.length > 0) {
    throw new Error(
      `The SSH tests need a real sshd: run scripts/services/sshd.sh start (then source .tools/services/sshd.env). Missing: ${missing.join(
        ', ',
      )}`,
    );
  }
  return {
    host: env.DOCKER_ENV_TEST_SSH_HOST!,
    port: Number(env.DOCKER_ENV_TEST_SSH_PORT),
    username: env.DOCKER_ENV_TEST_SSH_USER!,
    privateKey: fs.readFileSync(env.DOCKER_ENV_TEST_SSH_KEY_PATH!, 'utf8'),
    hostKeySha256: env.DOCKER_ENV_TEST_SSH_HOST_KEY_SHA256!,
  };
}
