export { SshClient, SshCommandError } from './SshClient';
export type {
  SshConnectionOptions,
  SshRunOptions,
  SshRunResult,
  SshSession,
} from './SshClient';
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
