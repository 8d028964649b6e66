export {
  DEFAULT_TOKEN_LIFETIME,
  DeployTokens,
  type TokenLifetime,
  type TokenUse,
} from './DeployTokens';
export {
  DatabaseDeployTokenStore,
  type DeployTokenStore,
  type DeployToken,
} from './DeployTokenStore';
export { TokenHasher, TOKEN_PREFIX, type IssuedToken } from './TokenHasher';
