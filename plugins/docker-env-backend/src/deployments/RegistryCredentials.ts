import type { RegistryAuth } from '@docker-env/plugin-docker-env-node';
import { randomUUID } from 'node:crypto';

/** How long credentials are kept when the rollout never ends (a crashed runner elsewhere). */
const MAX_AGE_MS = 2 * 3_600_000;

/**
 * Registry credentials of deployments, in the memory of the replica that accepted the request only: the operation's
 * recorded input holds a random reference, never the credentials. A rollout resumed by another replica pulls
 * without them (a private image then fails at `pull` and rolls back). Forgotten when the deployment ends.
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
