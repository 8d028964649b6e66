import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * What a {@link TokenCreatorAccessCheck} is asked: the user who created a deploy token, and the environment the token
 * is being used on.
 *
 * @public
 */
export interface TokenCreatorAccessRequest {
  /** The creator's user entity ref, e.g. `user:default/alice`. */
  creator: string;
  environment: { id: string; name: string; owner: string };
}

/**
 * Decides, at every use of a deploy token, whether its creator may still update the environment; false refuses the
 * use (403). Called without the creator's credentials (the creator is not the caller), so it decides from the refs.
 *
 * @public
 */
export type TokenCreatorAccessCheck = (
  request: TokenCreatorAccessRequest,
) => Promise<boolean>;

/**
 * What a backend module can change in how the docker-env plugin checks deploy tokens.
 *
 * @public
 */
export interface DockerEnvTokensExtensionPoint {
  /**
   * Replaces the creator check of deploy tokens. The default follows `DockerEnvPermissionPolicy`: admins
   * (`dockerEnv.admins`) and the environment's owner (the user or one of the user's groups, by the catalog's current
   * memberships). A portal with its own permission policy sets the same rule here. At most one module may set it.
   */
  setTokenCreatorAccess(check: TokenCreatorAccessCheck): void;
}

/**
 * The extension point of the docker-env backend plugin for deploy tokens (see the plugin README).
 *
 * @public
 */
export const dockerEnvTokensExtensionPoint =
  createExtensionPoint<DockerEnvTokensExtensionPoint>({
    id: 'docker-env.tokens',
  });

/** The plugin's side of {@link dockerEnvTokensExtensionPoint}: what a module set. */
export class TokensExtensions implements DockerEnvTokensExtensionPoint {
  #creatorAccess?: TokenCreatorAccessCheck;

  setTokenCreatorAccess(check: TokenCreatorAccessCheck): void {
    if (this.#creatorAccess)
      throw new Error(
        'docker-env: a token creator check was set already; only one module may set it',
      );
    this.#creatorAccess = check;
  }

  /** The check a module set, else undefined (the plugin then uses the catalog and `dockerEnv.admins`). */
  get creatorAccess(): TokenCreatorAccessCheck | undefined {
    return this.#creatorAccess;
  }
}
