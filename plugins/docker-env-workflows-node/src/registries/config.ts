import type { Config } from '@backstage/config';
import {
  ConfigError,
  MANAGED_BY,
  assertRegistryCredential,
  assertRegistryUrl,
} from '@docker-env/plugin-docker-env-node';
import { canonicalOwnerRef } from '../provisioning/teamName';

/**
 * The prefix of the Portainer registries the portal registers: its mark on registries (only
 * prefixed registries are ever changed or deleted).
 *
 * @public
 */
export const REGISTRY_NAME_PREFIX = `${MANAGED_BY}-registry-`;

/**
 * One registry an owner's environments may pull from (`dockerEnv.registries[]`), e.g. a GitLab
 * deploy token with `read_registry` per group.
 *
 * @public
 */
export interface OwnerRegistry {
  /** The config's name; the Portainer registry is {@link REGISTRY_NAME_PREFIX} plus it. */
  name: string;
  portainerName: string;
  /** The owner's canonical entity ref (`group:default/team-a`). */
  owner: string;
  /** `host[:port]`, e.g. `gitlab.example.com:5050`. */
  url: string;
  username: string;
  password: string;
}

const SECTION = 'dockerEnv.registries';
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * Reads `dockerEnv.registries` (none when unset); a bad value is a `ConfigError` naming the key and the rule.
 *
 * @public
 */
export function readOwnerRegistries(config: Config): OwnerRegistry[] {
  const list = config.getOptionalConfigArray(SECTION) ?? [];
  const seen = new Set<string>();
  return list.map((c, i) => {
    const at = `${SECTION}[${i}]`;
    const check = <T>(key: string, fn: () => T): T => {
      try {
        return fn();
      } catch (e) {
        const message = (e as Error).message.replace(/^[\w.[\]]+: /, '');
        throw new ConfigError(`${at}.${key}: ${message}`, e);
      }
    };
    const name = check('name', () => {
      const v = c.getString('name');
      if (!NAME.test(v))
        throw new Error(
          'must be 1-40 lowercase letters, digits or "-", starting and ending with a letter or digit',
        );
      if (seen.has(v)) throw new Error(`"${v}" is used twice`);
      return v;
    });
    seen.add(name);
    return {
      name,
      portainerName: `${REGISTRY_NAME_PREFIX}${name}`,
      owner: check('owner', () => canonicalOwnerRef(c.getString('owner'))),
      url: check('url', () => assertRegistryUrl(c.getString('url'), 'url')),
      username: check('username', () =>
        assertRegistryCredential(c.getString('username'), 'username', false),
      ),
      password: check('password', () =>
        assertRegistryCredential(c.getString('password'), 'password', true),
      ),
    };
  });
}

/**
 * The registries of one owner (compared by canonical entity ref).
 *
 * @public
 */
export function registriesOf(
  registries: OwnerRegistry[],
  owner: string,
): OwnerRegistry[] {
  const ref = canonicalOwnerRef(owner);
  return registries.filter(r => r.owner === ref);
}
