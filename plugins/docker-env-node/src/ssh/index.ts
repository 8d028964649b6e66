export { SshClient } from './SshClient';
export { SshCommandError } from './SshCommandError';
export type {
  SshConnectionOptions,
  SshRunOptions,
  SshRunResult,
  SshSession,
} from './types';
export { shellQuote, shellCommand } from './shellQuote';
export {
  hexDigestToOpenSshFingerprint,
  normaliseHostKeySha256,
  pinnedHostVerifier,
} from './hostKey';
export { buildInstallDockerSteps, installDocker } from './installDocker';
export type {
  InstallDockerOptions,
  InstallDockerResult,
  InstallStep,
} from './installDocker';
