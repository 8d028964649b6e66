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

/**
 * The quota and approval records (`quotas`, `approval_requests`) on one connection or transaction: overrides, the
 * stored default, usage, and approval requests. {@link QuotaStore.lockOwner} serialises quota decisions per owner
 * inside a transaction.
 */
export interface QuotaStore {
  /** Takes the owner's quota lock until the surrounding transaction ends. */
  lockOwner(owner: string): Promise<void>;
  /** The override of an owner (or, with `default`, the stored default); undefined when unset. */
  getLimits(owner: string): Promise<QuotaLimits | undefined>;
  /** Sets (inserts or replaces) an owner's override or the stored default. */
  setLimits(
    owner: string,
    limits: QuotaLimits,
    updatedBy: string,
  ): Promise<void>;
  /** What the owner's environments that hold a name hold (pending approval included), and their containers. */
  usage(owner: string): Promise<QuotaUsage>;
  /** The distinct containers (`<environmentId>/<container>`) of the owner's name-holding environments. */
  deployedContainers(owner: string): Promise<Set<string>>;
  /** Records a pending request for an environment created over quota. */
  insertRequest(input: {
    environmentId: string;
    owner: string;
    requestedBy: string;
    quotaReason: string;
  }): Promise<ApprovalRequest>;
  getRequest(id: string): Promise<ApprovalRequest | undefined>;
  /** Reads a request and locks its row until the transaction ends. */
  getRequestForUpdate(id: string): Promise<ApprovalRequest | undefined>;
  /** Requests with the status, oldest first. */
  listRequests(status?: ApprovalStatus): Promise<ApprovalRequest[]>;
  /** Records an admin's decision on a pending request. */
  decideRequest(
    id: string,
    decision: {
      status: Exclude<ApprovalStatus, 'pending'>;
      decidedBy: string;
      reason: string | null;
    },
  ): Promise<void>;
}
