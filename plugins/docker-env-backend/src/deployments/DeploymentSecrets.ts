import type { RegistryAuth } from '@docker-env/plugin-docker-env-node';
import type { OperationStep } from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../secrets/SecretBox';
import type { DeploymentSecretStore } from '../secrets/DeploymentSecretStore';

/** What a deployment request carries that is never recorded in clear, returned or logged. */
export interface DeploymentSecretValues {
  env: Record<string, string>;
  registryAuth?: RegistryAuth;
}

/** Sealed values outlive their rollout only when it never ended (a lost operation); they go after this long. */
const MAX_AGE_MS = 2 * 24 * 3_600_000;

/** Why a rollout's steps cannot run: its sealed values are gone (deleted, or sealed under a key no longer configured). */
export const SECRETS_NOT_HELD =
  'the deployment secrets (env values, registry credentials) are no longer held; redeploy';

/**
 * A deployment's `env` values and registry credentials, sealed with {@link SecretBox} into `deployment_secrets` in
 * the transaction that queues the rollout, so whichever replica runs (or takes over) the rollout can open them; the
 * operation's recorded input holds the env keys and a random `secretsRef` only. Deleted when the rollout ends.
 */
export class DeploymentSecrets {
  constructor(
    private readonly box: SecretBox,
    private readonly store: () => DeploymentSecretStore,
  ) {}

  /** Seals `values` into `tx` (the queuing transaction's store); returns the reference the operation input carries. */
  async keep(
    tx: DeploymentSecretStore,
    values: DeploymentSecretValues,
  ): Promise<string> {
    const ref = randomUUID();
    await tx.put(ref, this.box.seal(values));
    return ref;
  }

  /** The values `ref` names, or undefined when they are gone or no configured key opens them. */
  async reveal(ref: unknown): Promise<DeploymentSecretValues | undefined> {
    if (typeof ref !== 'string') return undefined;
    const sealed = await this.store().get(ref);
    if (sealed === undefined) return undefined;
    try {
      return this.box.open<DeploymentSecretValues>(sealed);
    } catch {
      return undefined;
    }
  }

  /** Deletes the values of an ended rollout, and any a lost rollout left behind. */
  async forget(ref: unknown, now = Date.now()): Promise<void> {
    const store = this.store();
    if (typeof ref === 'string') await store.delete(ref);
    await store.deleteOlderThan(new Date(now - MAX_AGE_MS));
  }
}

/** A step whose secrets are gone: it fails with {@link SECRETS_NOT_HELD} before it reaches the engine. */
export function stepWithoutSecrets(step: OperationStep): OperationStep {
  return {
    ...step,
    async run() {
      throw new Error(SECRETS_NOT_HELD);
    },
  };
}
