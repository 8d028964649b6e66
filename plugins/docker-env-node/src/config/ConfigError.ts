import { CustomErrorBase } from '@backstage/errors';

/**
 * The `dockerEnv` configuration is missing a value or has a bad one. Thrown while a client is
 * built from config (at start-up), never for a user's request: it is neither an
 * `InputError` (which the backend would answer with 400) nor an upstream failure.
 *
 * @public
 */
export class ConfigError extends CustomErrorBase {
  name = 'ConfigError' as const;
}

/**
 * Runs `build` (which reads config section `path` and constructs a client) and turns any failure
 * into a {@link ConfigError} naming that section.
 *
 * @public
 */
export function buildFromConfig<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const message = (e as Error)?.message ?? String(e);
    if (message.startsWith(path)) throw new ConfigError(message, e);
    // a client's check names its option (`entryPoints[0]: ...`): name the full config key
    const field = /^[A-Za-z][\w.[\]]*: /.test(message);
    throw new ConfigError(`${path}${field ? '.' : ': '}${message}`, e);
  }
}
