import { ConflictError } from '@backstage/errors';
import { Config } from '@backstage/config';
import {
  Environment,
  NAME_HOLDING_STATUSES,
} from '@docker-env/plugin-docker-env-common';
import { DEFAULT_DOCKER_ENV_ADMINS } from '../permissions/DockerEnvPermissionPolicy';
import type { DockerEnvStore } from '../store';
import { QuotaCheckInput, QuotaDecision, QuotaGate } from './QuotaGate';
import { containerKey, DEFAULT_QUOTA_KEY } from './QuotaStore';
import { ApprovalRequest, EffectiveQuota, QuotaLimits } from './types';

/** The default quota when neither `PUT /quotas/default` nor `dockerEnv.quotas.default` set one. */
export const BUILT_IN_DEFAULT_QUOTA: QuotaLimits = {
  cpuCores: 8,
  memoryMb: 16384,
  diskGb: 256,
  environments: 5,
  containers: 20,
};

/** The quota fields, in the order errors and reasons name them. */
export const QUOTA_FIELDS = [
  'cpuCores',
  'memoryMb',
  'diskGb',
  'environments',
  'containers',
] as const satisfies ReadonlyArray<keyof QuotaLimits>;

/**
 * Quotas: the effective quota of an owner (its override, else the default set through the API, else the configured
 * default), and the gate `POST /environments` asks. The check takes the owner's lock in the caller's transaction, so
 * check and reservation (the inserted environment) are one transaction.
 */
export class QuotaService implements QuotaGate {
  /** Reads `dockerEnv.quotas.default`, each field falling back to {@link BUILT_IN_DEFAULT_QUOTA}. */
  static fromConfig(config: Config): QuotaService {
    const configured = config.getOptionalConfig('dockerEnv.quotas.default');
    const limits = { ...BUILT_IN_DEFAULT_QUOTA };
    for (const field of QUOTA_FIELDS) {
      limits[field] =
        configured?.getOptionalNumber(field) ?? BUILT_IN_DEFAULT_QUOTA[field];
    }
    return new QuotaService(
      limits,
      config.getOptionalStringArray('dockerEnv.admins') ??
        DEFAULT_DOCKER_ENV_ADMINS,
    );
  }

  /**
   * @param configuredDefault - the default quota from config
   * @param approvers - entity refs told about requests over quota (the admins)
   */
  constructor(
    private readonly configuredDefault: QuotaLimits,
    readonly approvers: string[],
  ) {}

  /** The default quota: the one set through the API, else the configured one. */
  async defaultQuota(
    store: DockerEnvStore,
  ): Promise<{ quota: QuotaLimits; source: 'default' | 'config' }> {
    const stored = await store.quotas().getLimits(DEFAULT_QUOTA_KEY);
    return stored
      ? { quota: stored, source: 'default' }
      : { quota: this.configuredDefault, source: 'config' };
  }

  /** The owner's effective quota and current usage. */
  async effective(
    store: DockerEnvStore,
    owner: string,
  ): Promise<EffectiveQuota> {
    const quotas = store.quotas();
    const [override, usage] = await Promise.all([
      quotas.getLimits(owner),
      quotas.usage(owner),
    ]);
    const { quota, source } = override
      ? { quota: override, source: 'override' as const }
      : await this.defaultQuota(store);
    return { owner, quota, source, usage };
  }

  /**
   * The owners whose usage is over their quota (a quota lowered below what they hold: nothing is taken away, growth
   * is refused), with the fields they are over, by owner.
   */
  async overQuota(
    store: DockerEnvStore,
  ): Promise<Array<EffectiveQuota & { over: string[] }>> {
    const holding = await store.findEnvironments({
      statuses: NAME_HOLDING_STATUSES,
    });
    const owners = [...new Set(holding.map(e => e.owner))].sort();
    const out: Array<EffectiveQuota & { over: string[] }> = [];
    for (const owner of owners) {
      const effective = await this.effective(store, owner);
      const over = QUOTA_FIELDS.filter(
        f => effective.usage[f] > effective.quota[f],
      );
      if (over.length) out.push({ ...effective, over });
    }
    return out;
  }

  async check(
    tx: DockerEnvStore,
    input: QuotaCheckInput,
  ): Promise<QuotaDecision> {
    await tx.quotas().lockOwner(input.owner);
    const { quota, usage } = await this.effective(tx, input.owner);
    const wanted = {
      cpuCores: usage.cpuCores + input.cpuCores,
      memoryMb: usage.memoryMb + input.memoryMb,
      diskGb: usage.diskGb + input.diskGb,
      environments: usage.environments + 1,
    };
    const over = (Object.keys(wanted) as Array<keyof typeof wanted>)
      .filter(field => wanted[field] > quota[field])
      .map(
        field =>
          `${field}: ${wanted[field]} with this request, quota ${quota[field]} (${usage[field]} in use)`,
      );
    if (over.length === 0) return { withinQuota: true };
    return {
      withinQuota: false,
      reason: `over the quota of ${input.owner}: ${over.join('; ')}`,
    };
  }

  /**
   * Refuses (409 naming the quota and the headroom) a resize that takes the owner over its quota in a resource the
   * resize grows; a resource it keeps or lowers passes even when a lowered quota left the owner over it (lowering a
   * quota takes nothing away). Takes the owner's lock, so call it in the transaction that records the resize.
   */
  async checkResize(
    tx: DockerEnvStore,
    environment: Environment,
    target: Pick<QuotaLimits, 'cpuCores' | 'memoryMb' | 'diskGb'>,
  ): Promise<void> {
    await tx.quotas().lockOwner(environment.owner);
    const { quota, usage } = await this.effective(tx, environment.owner);
    const fields = ['cpuCores', 'memoryMb', 'diskGb'] as const;
    const over = fields
      .filter(f => target[f] > environment[f])
      .map(f => ({ f, wanted: usage[f] - environment[f] + target[f] }))
      .filter(({ f, wanted }) => wanted > quota[f])
      .map(
        ({ f, wanted }) =>
          `${f}: ${wanted} with this resize, quota ${quota[f]} (${usage[f]} in use)`,
      );
    if (over.length === 0) return;
    const headroom = fields
      .map(f => `${f} +${Math.max(0, quota[f] - usage[f])}`)
      .join(', ');
    throw new ConflictError(
      `over the quota of ${environment.owner}: ${over.join(
        '; ',
      )}; headroom: ${headroom}`,
    );
  }

  /**
   * Refuses (409 naming the quota and the headroom) a transfer that takes the new owner over its quota: the
   * environment's resources, the environment itself and its deployed containers added to what the new owner holds.
   * Takes the new owner's lock, so call it in the transaction that records the transfer.
   */
  async checkTransfer(
    tx: DockerEnvStore,
    environment: Environment,
    newOwner: string,
  ): Promise<void> {
    const quotas = tx.quotas();
    await quotas.lockOwner(newOwner);
    const { quota, usage } = await this.effective(tx, newOwner);
    const containers = [
      ...(await quotas.deployedContainers(environment.owner)),
    ].filter(key => key.startsWith(containerKey(environment.id, ''))).length;
    const adds: QuotaLimits = {
      cpuCores: environment.cpuCores,
      memoryMb: environment.memoryMb,
      diskGb: environment.diskGb,
      environments: 1,
      containers,
    };
    const over = QUOTA_FIELDS.filter(
      f => adds[f] > 0 && usage[f] + adds[f] > quota[f],
    ).map(
      f =>
        `${f}: ${usage[f] + adds[f]} with this transfer, quota ${quota[f]} (${
          usage[f]
        } in use)`,
    );
    if (over.length === 0) return;
    const headroom = QUOTA_FIELDS.map(
      f => `${f} +${Math.max(0, quota[f] - usage[f])}`,
    ).join(', ');
    throw new ConflictError(
      `over the quota of ${newOwner}: ${over.join(
        '; ',
      )}; headroom: ${headroom}`,
    );
  }

  /**
   * Refuses (409 naming the quota) a deployment whose container would take the owner over its container quota; a
   * container already recorded for the environment is a redeploy and always passes. Takes the owner's lock, so call
   * it in the transaction that records the deployment.
   */
  async checkContainer(
    tx: DockerEnvStore,
    environment: Environment,
    container: string,
  ): Promise<void> {
    const quotas = tx.quotas();
    await quotas.lockOwner(environment.owner);
    const deployed = await quotas.deployedContainers(environment.owner);
    if (deployed.has(containerKey(environment.id, container))) return;
    const { quota } = await this.effective(tx, environment.owner);
    if (deployed.size + 1 > quota.containers)
      throw new ConflictError(
        `over the quota of ${environment.owner}: containers: ${
          deployed.size + 1
        } with this deployment, quota ${quota.containers} (${
          deployed.size
        } in use)`,
      );
  }

  holdForApproval(
    tx: DockerEnvStore,
    environment: Environment,
    reason: string,
  ): Promise<ApprovalRequest> {
    return tx.quotas().insertRequest({
      environmentId: environment.id,
      owner: environment.owner,
      requestedBy: environment.createdBy,
      quotaReason: reason,
    });
  }
}
