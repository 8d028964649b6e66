import type { RegistryFinding } from '@docker-env/plugin-docker-env-workflows-node';
import type { DriftFinding } from './DriftFlags';

/**
 * The registry sync's findings as drift flags (the sync fixes them on its next pass; a flag that
 * stays open means it could not). Findings on a busy environment wait for a later pass.
 */
export function registryDrift(
  findings: RegistryFinding[],
  busyIds: ReadonlySet<string>,
): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const f of findings) {
    const none = { environmentId: null, environmentName: null };
    switch (f.kind) {
      case 'registry_missing':
        out.push({
          ...none,
          kind: f.kind,
          resourceKind: 'portainer_registry',
          resourceId: f.registry.portainerName,
          detail: `registry ${f.registry.portainerName} (${f.registry.url}) of ${f.registry.owner} is configured but not registered in Portainer`,
        });
        break;
      case 'registry_changed':
        out.push({
          ...none,
          kind: f.kind,
          resourceKind: 'portainer_registry',
          resourceId: f.registry.portainerName,
          detail: `registry ${f.registry.portainerName}: ${f.detail}`,
        });
        break;
      case 'registry_withdrawn':
        out.push({
          ...none,
          kind: 'orphan',
          resourceKind: 'portainer_registry',
          resourceId: f.name,
          detail: `registry ${f.name} carries our mark but dockerEnv.registries no longer names it`,
        });
        break;
      case 'registry_access_missing':
      case 'registry_access_foreign': {
        const env = f.environment;
        if (env.environmentId && busyIds.has(env.environmentId)) break;
        const endpointId = env.endpointId;
        out.push({
          environmentId: env.environmentId ?? null,
          environmentName: env.name ?? null,
          kind: f.kind,
          resourceKind: 'portainer_registry',
          resourceId: `${f.registry.portainerName}@${endpointId}`,
          detail:
            f.kind === 'registry_access_missing'
              ? `the team of ${f.registry.owner} may not use registry ${
                  f.registry.portainerName
                } on environment ${env.name ?? endpointId}`
              : `${f.teamNames.join(', ')} may use registry ${
                  f.registry.portainerName
                } of ${f.registry.owner} on environment ${
                  env.name ?? endpointId
                }`,
        });
        break;
      }
      default:
        break;
    }
  }
  return out;
}
