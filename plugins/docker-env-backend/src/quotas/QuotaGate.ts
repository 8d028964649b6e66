import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { DockerEnvStore } from '../store';
import type { ApprovalRequest } from './types';

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
  ): Promise<ApprovalRequest>;
}
