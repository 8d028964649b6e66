import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { DockerEnvStore } from '../store';

/** What `POST /environments` asks the quota gate about. */
export interface QuotaCheckInput {
  owner: string;
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  requestedBy: string;
}

/** The gate's answer: within quota (provision at once) or over quota (hold for approval). */
export type QuotaDecision =
  | { withinQuota: true }
  | { withinQuota: false; reason: string };

/**
 * The seam between creating an environment and quotas. `POST /environments` calls `check` inside its transaction
 * (so a concurrent create sees the same usage the decision was made on); when over quota the environment is created
 * in `pending_approval` without an operation and `holdForApproval` records the request, in the same transaction.
 */
export interface QuotaGate {
  check(tx: DockerEnvStore, input: QuotaCheckInput): Promise<QuotaDecision>;
  holdForApproval(
    tx: DockerEnvStore,
    environment: Environment,
    reason: string,
  ): Promise<Record<string, unknown>>;
}

/**
 * The default gate until quotas exist: every request is within quota, so `holdForApproval` is never reached.
 * NOT DONE here: per-owner quotas and approval requests (the quotas part replaces this gate in `plugin.ts`).
 */
export const alwaysWithinQuota: QuotaGate = {
  async check() {
    return { withinQuota: true };
  },
  async holdForApproval() {
    throw new Error('alwaysWithinQuota never holds a request for approval');
  },
};
