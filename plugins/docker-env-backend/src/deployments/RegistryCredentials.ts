import type { RegistryAuth } from '@docker-env/plugin-docker-env-node';
import type { OperationStep } from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';

/** How long credentials are kept when the rollout never ends (a crashed runner elsewhere). */
const MAX_AGE_MS = 2 * 3_600_000;

/** Why a rollout taken over by another replica (or a restarted one) fails at `pull`. */
export const CREDENTIALS_NOT_HELD =
  'registry credentials were held by the replica that accepted the request; redeploy';

/**
 * Registry credentials of deployments, in the memory of the replica that accepted the request only: the operation's
 * recorded input holds a random reference, never the credentials. A rollout another replica (or a restarted one)
 * takes over at its `pull` fails there with {@link CREDENTIALS_NOT_HELD} and rolls back; one taken over after the
 * pull needs none. Forgotten when the deployment ends.
 */
export class RegistryCredentials {
  private readonly held = new Map<
    string,
    { auth: RegistryAuth; until: number }
  >();

  /** Keeps `auth`; returns the reference the operation's input carries. */
  keep(auth: RegistryAuth, now = Date.now()): string {
    for (const [ref, entry] of this.held)
      if (entry.until <= now) this.held.delete(ref);
    const ref = randomUUID();
    this.held.set(ref, { auth, until: now + MAX_AGE_MS });
    return ref;
  }

  get(ref: unknown): RegistryAuth | undefined {
    return typeof ref === 'string' ? this.held.get(ref)?.auth : undefined;
  }

  forget(ref: unknown): void {
    if (typeof ref === 'string') this.held.delete(ref);
  }
}

/**
 * `pull` of a rollout whose request carried registry credentials this replica does not hold: it fails with
 * {@link CREDENTIALS_NOT_HELD} before it reaches the engine (a pull without them could fetch a stale public image of
 * the same name, or fail with the registry's less telling 401).
 */
export function pullWithoutHeldCredentials(pull: OperationStep): OperationStep {
  return {
    ...pull,
    async run() {
      throw new Error(CREDENTIALS_NOT_HELD);
    },
  };
}
