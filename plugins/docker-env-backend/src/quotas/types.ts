/** Limits of one owner: CPU cores, memory (MiB), disk (GiB), environments and containers. */
export interface QuotaLimits {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  environments: number;
  containers: number;
}

/** What an owner's environments hold now. */
export interface QuotaUsage {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  environments: number;
  /** Distinct deployed containers, as the container quota counts them ({@link QuotaStore.deployedContainers}). */
  containers: number;
}

/** `GET /quotas?owner=`: the effective quota, where it comes from, and the usage. */
export interface EffectiveQuota {
  owner: string;
  quota: QuotaLimits;
  /** `override` (set for this owner), `default` (set through `PUT /quotas/default`) or `config`. */
  source: 'override' | 'default' | 'config';
  usage: QuotaUsage;
}

/** Statuses of an approval request. */
export type ApprovalStatus = 'pending' | 'approved' | 'rejected';

/** An environment requested over quota, with the admin's decision once made. */
export interface ApprovalRequest {
  id: string;
  environmentId: string;
  /** The environment's name. */
  environment: string;
  owner: string;
  requestedBy: string;
  status: ApprovalStatus;
  /** Which quota the request exceeds. */
  quotaReason: string;
  decidedBy: string | null;
  /** The admin's reason for a rejection (or note on an approval). */
  reason: string | null;
  size: string;
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
  createdAt: string;
  decidedAt: string | null;
}
