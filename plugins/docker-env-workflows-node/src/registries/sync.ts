import { createHash } from 'node:crypto';
import type { PortainerApi } from '@docker-env/plugin-docker-env-node';
import type { OwnerRegistry } from './config';
import {
  judgeRegistries,
  type RegistryEnvironment,
  type RegistryFinding,
} from './judge';

/**
 * One change the registry sync made in Portainer (each is audited by the caller; never carries a secret).
 *
 * @public
 */
export interface RegistrySyncChange {
  kind:
    | 'registry-created'
    | 'registry-updated'
    | 'access-granted'
    | 'access-revoked'
    | 'registry-deleted';
  /** The Portainer registry name. */
  registry: string;
  owner?: string;
  endpointId?: number;
  /** Team names (grants and revocations). */
  teams?: string[];
}

/**
 * What one pass did.
 *
 * @public
 */
export interface RegistrySyncReport {
  changes: RegistrySyncChange[];
  /** Registries whose fix failed this pass (the next pass retries). */
  failed: { registry: string; error: string }[];
}

/**
 * The credentials a sync last wrote, per registry (a fingerprint, never the secret): Portainer never
 * answers a registry's password, so a rotation is seen by comparing with this. Kept by the caller
 * across passes; empty after a restart, so the first pass writes every registry's credentials once.
 *
 * @public
 */
export type RegistryFingerprints = Map<string, string>;

const fingerprint = (r: OwnerRegistry) =>
  createHash('sha256')
    .update(JSON.stringify([r.url, r.username, r.password]))
    .digest('hex');

const input = (r: OwnerRegistry) => ({
  name: r.portainerName,
  type: 3 as const,
  url: r.url,
  username: r.username,
  password: r.password,
});

/**
 * One registry sync pass: registers each configured registry once (its name carries our mark),
 * writes its credentials when they changed (a rotation: the access maps read and written back
 * unchanged), grants it to the owner's team on each of the owner's environments, revokes it from
 * our other teams, and withdraws (deletes) marked registries no longer configured. Idempotent: a
 * second pass with nothing changed writes nothing.
 *
 * @public
 */
export async function syncRegistriesOnce(options: {
  portainer: PortainerApi;
  registries: OwnerRegistry[];
  /** `dockerEnv.provisioning.portainer.teamPrefix`: our mark on teams. */
  prefix: string;
  environments: RegistryEnvironment[];
  fingerprints: RegistryFingerprints;
  onChange?: (change: RegistrySyncChange) => Promise<void> | void;
}): Promise<RegistrySyncReport> {
  const { portainer, fingerprints } = options;
  const report: RegistrySyncReport = { changes: [], failed: [] };
  const record = async (c: RegistrySyncChange) => {
    report.changes.push(c);
    await options.onChange?.(c);
  };
  const attempt = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      report.failed.push({ registry: name, error: (e as Error).message });
    }
  };
  const [held, teams, endpoints] = await Promise.all([
    portainer.listRegistries(),
    portainer.listTeams(),
    portainer.listEndpoints(),
  ]);
  const live = new Set(endpoints.map(e => e.id));
  const environments = options.environments.filter(e => live.has(e.endpointId));
  const judge = (list: typeof held) =>
    judgeRegistries({
      registries: options.registries,
      prefix: options.prefix,
      environments,
      held: list,
      teams,
    });

  // registrations and rotations first, then the access of what is registered now
  const first = judge(held);
  for (const f of first) {
    if (f.kind === 'registry_missing') {
      await attempt(f.registry.portainerName, async () => {
        await portainer.ensureRegistry(input(f.registry));
        fingerprints.set(f.registry.portainerName, fingerprint(f.registry));
        await record({
          kind: 'registry-created',
          registry: f.registry.portainerName,
          owner: f.registry.owner,
        });
      });
    } else if (f.kind === 'registry_withdrawn') {
      await attempt(f.name, async () => {
        if (await portainer.deleteRegistry(f.registryId))
          await record({ kind: 'registry-deleted', registry: f.name });
      });
    }
  }
  const registered = first.some(f => f.kind === 'registry_missing');
  const now = registered ? await portainer.listRegistries() : held;
  const changed = new Set(
    judge(now).flatMap(f =>
      f.kind === 'registry_changed' ? [f.registry.portainerName] : [],
    ),
  );
  for (const r of options.registries) {
    const found = now.find(x => x.name === r.portainerName);
    if (
      !found ||
      (!changed.has(r.portainerName) &&
        fingerprints.get(r.portainerName) === fingerprint(r))
    )
      continue;
    await attempt(r.portainerName, async () => {
      await portainer.updateRegistry(found.id, input(r));
      fingerprints.set(r.portainerName, fingerprint(r));
      await record({
        kind: 'registry-updated',
        registry: r.portainerName,
        owner: r.owner,
      });
    });
  }
  for (const f of judge(now)) await applyAccess(f, portainer, record, attempt);
  return report;
}

async function applyAccess(
  f: RegistryFinding,
  portainer: PortainerApi,
  record: (c: RegistrySyncChange) => Promise<void>,
  attempt: (name: string, fn: () => Promise<void>) => Promise<void>,
) {
  if (f.kind === 'registry_access_missing') {
    const { endpointId } = f.environment;
    await attempt(f.registry.portainerName, async () => {
      if (
        await portainer.grantRegistryAccess(endpointId, f.registryId, [
          f.teamId,
        ])
      )
        await record({
          kind: 'access-granted',
          registry: f.registry.portainerName,
          owner: f.registry.owner,
          endpointId,
        });
    });
  } else if (f.kind === 'registry_access_foreign') {
    await attempt(f.registry.portainerName, async () => {
      if (
        await portainer.revokeRegistryAccess(
          f.endpointId,
          f.registryId,
          f.teamIds,
        )
      )
        await record({
          kind: 'access-revoked',
          registry: f.registry.portainerName,
          owner: f.registry.owner,
          endpointId: f.endpointId,
          teams: f.teamNames,
        });
    });
  }
}
