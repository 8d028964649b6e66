export { ConfigError, buildFromConfig } from './ConfigError';
export {
  isLoopbackHost,
  readAllowInsecure,
  readBaseUrl,
  readInteger,
  readPath,
  readSshConfig,
  readTimeoutMs,
} from './readers';
export type { SshConfig } from './readers';
