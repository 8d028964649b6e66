import type { DockerEnvStore } from '../store';
import type { AuditTrail } from './AuditTrail';

/** One change a Portainer sync task made: its kind, what it changed, and the endpoint when it is an environment's. */
export interface PortainerSyncChange {
  kind: string;
  endpointId?: number;
}

/**
 * The `onChange` of a Portainer sync task (teams, registries): one audit row and audit event per change, under the
 * task's actor, naming the environment behind the endpoint.
 */
export function auditPortainerSyncChange(options: {
  store: Pick<DockerEnvStore, 'appendAudit'>;
  audit?: Pick<AuditTrail, 'emit'>;
  actor: string;
  /** `portainer.team`, `portainer.registry`: the action is `<prefix>.<kind>`. */
  actionPrefix: string;
  environmentIdByEndpoint: Map<number, string>;
}) {
  return async (change: PortainerSyncChange, target: string): Promise<void> => {
    const entry = {
      actor: options.actor,
      action: `${options.actionPrefix}.${change.kind}`,
      target,
      environmentId:
        change.endpointId === undefined
          ? null
          : options.environmentIdByEndpoint.get(change.endpointId) ?? null,
      result: 'succeeded' as const,
      details: { ...change },
    };
    await options.store.appendAudit(entry);
    await options.audit?.emit(entry);
  };
}
