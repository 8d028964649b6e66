export interface Config {
  dockerEnv?: {
    /** Entity refs whose members are docker-env admins (quotas, approvals, any owner). Default `group:default/platform-team`; required in production. */
    admins?: string[];
    /**
     * Production mode (`lab.enabled: false`) against the lab: loopback targets and the lab's values are logged as
     * warnings instead of stopping the start (src/config/productionGuard.ts). Tests only; default false.
     */
    allowLoopbackTargets?: boolean;
    /** Lifecycle settings of the backend plugin (the steps' settings are in docker-env-node's config.d.ts). */
    /** Snapshot (and final backup) retention: kept `retentionDays` (default 30); the task runs every `retentionFrequency` (default 1 hour). */
    snapshots?: {
      retentionDays?: number;
      retentionFrequency?:
        | { days?: number; hours?: number; minutes?: number }
        | string;
    };
    lifecycle?: {
      /** The paused page the plugin serves when `port` is set; point `pausedRoute.url` at it. */
      pausedPage?: { port: number; host?: string };
      /** Expiry: how far from today the owner may extend `expiresOn` (default 90 days); what happens once past it. */
      expiry?: { maxExtensionDays?: number; action?: 'pause' | 'delete' };
    };
    /** Who hears about environment events besides the owner's Backstage notifications (and their email). */
    notifier?: {
      /** Signed webhook subscribers; the delivery policy is `dockerEnv.webhooks`. */
      webhooks?: Array<{
        url: string;
        /** @visibility secret */
        secret: string;
        /** Event names to send (`environment.ready`, ...); all when unset. */
        events?: string[];
      }>;
    };
    /** The durable operation runner of the backend plugin (one per backend replica). */
    runner?: {
      /** False on a replica that serves the API only and runs no operations. Default true. */
      enabled?: boolean;
      /** Operations one replica runs at once. Default 4. */
      concurrency?: number;
      /** How long a claim lasts without a heartbeat before another replica takes the operation over. Default 30. */
      leaseSeconds?: number;
      /** How often a replica looks for queued and abandoned operations, in ms (one indexed query). Default 250. */
      pollIntervalMs?: number;
      /** Claims after which an interrupted step is rolled back instead of run again; at twice this the runner gives up. Default 3. */
      maxAttempts?: number;
      /** How long shutdown waits for running steps before it aborts them and hands their operations over. Default 5. */
      shutdownGraceSeconds?: number;
      /** How often the global recovery sweep runs (the scheduler task `docker-env-operation-recovery`). Default 30. */
      recoveryFrequencySeconds?: number;
    };
    /** Quotas; admins change them through `PUT /quotas/{entityRef}` and `PUT /quotas/default`. */
    quotas?: {
      /** The default quota of every owner without an override, until `PUT /quotas/default` sets one. */
      default?: {
        cpuCores?: number;
        memoryMb?: number;
        diskGb?: number;
        environments?: number;
        containers?: number;
      };
    };
    /** The reconciler: compares the records with Proxmox, Portainer, NetBox and the route folder (src/reconciler/README.md). */
    reconciler?: {
      /** False to run no reconcile passes (e.g. tests that run them by hand). Default true. */
      enabled?: boolean;
      /** How often a pass runs, once across replicas: a duration object or ISO 8601 string. Default 10 minutes. */
      frequency?: { [unit: string]: number } | string;
    };
    /**
     * The Portainer team sync: makes every managed team's members equal its owner's current direct
     * members in the catalog (src/teams). Revocation takes at most the LDAP ingestion schedule plus
     * catalog processing plus this period (docs/operations_guide.md).
     */
    teamSync?: {
      /** False to run no sync passes. Default true. */
      enabled?: boolean;
      /** How often a pass runs, once across replicas: a duration object or ISO 8601 string. Default 10 minutes. */
      frequency?: { [unit: string]: number } | string;
    };
    /** `GET /status` probes. */
    status?: {
      /** Timeout of each external system's probe, ms; default 3000. */
      timeoutMs?: number;
    };
  };
}
