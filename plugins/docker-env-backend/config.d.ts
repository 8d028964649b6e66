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
      /**
       * Which snapshots retention deletes: `portal` (default) only those the portal made (named `s<UTC time to the
       * second>`, the name it generates), `all` every snapshot on a managed CT, an admin's own ones included.
       */
      retentionScope?: 'portal' | 'all';
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
    /**
     * Requests per client address and minute on the public endpoints, per replica (`req.ip`: set `backend.trustProxy`
     * behind a reverse proxy); past them 429 with `Retry-After`. 0 turns one off.
     */
    rateLimits?: {
      /** `POST /environments`; default 10. */
      createPerMinute?: number;
      /** `GET /names/{name}`; default 120. */
      namesPerMinute?: number;
      /** `POST /environments/{name}/tokens`; default 10. */
      tokensPerMinute?: number;
      /** Addresses never limited; default loopback (`127.0.0.1`, `::1`), as Backstage's `backend.rateLimit`. */
      ipAllowList?: string[];
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
      /**
       * The notifications outbox: each delivery is retried with exponential backoff (jittered) until delivered or
       * `maxAttempts` (default 12) attempts failed. Delays start at `initialDelayMs` (default 5000) and are capped
       * at `maxDelayMs` (default 3 hours); a sender holds a delivery `leaseMs` (default 60000) before another takes
       * it over; the retry task runs every `frequencySeconds` (default 15) on one replica.
       */
      outbox?: {
        maxAttempts?: number;
        initialDelayMs?: number;
        maxDelayMs?: number;
        leaseMs?: number;
        frequencySeconds?: number;
      };
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
    /** The container watchers: each environment's Docker event stream, one replica per environment (docs/watcher.md). */
    watcher?: {
      /** False on a replica that watches no environment. Default true. */
      enabled?: boolean;
      /** How long a replica's lease on an environment lasts without renewal (it renews every third). Default 15. */
      leaseSeconds?: number;
      /** Every this many seconds a full pass (list and inspect) reports what the stream missed. Default 300. */
      fullPassSeconds?: number;
      /** Each stream asks the engine to end it (`until`) after this long; the next resumes from the last event. Default 300. */
      streamMaxSeconds?: number;
      /** Changes this long after an operation ended are still tagged portal-made. Default 10. */
      portalWindowSeconds?: number;
      /** First wait before reconnecting a failed stream, doubled each failure. Default 500. */
      reconnectInitialMs?: number;
      /** The longest wait between reconnects. Default 30000. */
      reconnectMaxMs?: number;
    };
    /**
     * Alerts (docs/alerts.md): a container that exits unasked, a crash loop, an unhealthy health check, the CT's CPU,
     * memory or disk over a threshold for a while. These are the defaults of every environment whose owner has not
     * changed its rules (`PUT /environments/{name}/alert-rules`).
     */
    alerts?: {
      /** False: no alerts at all on this portal. Default true. */
      enabled?: boolean;
      /** A container that exits by itself (no stop or kill) alerts only if it is not running again this long after. Default 3. */
      exitGraceSeconds?: number;
      /** Crash loop: this many restarts within `windowSeconds` make one crash-loop incident. Defaults 3 and 300. */
      crashLoop?: { restarts?: number; windowSeconds?: number };
      /** CT CPU use over `thresholdPercent` of its cores for `forSeconds`. Defaults 90 and 300. */
      cpu?: { thresholdPercent?: number; forSeconds?: number };
      /** CT memory use over `thresholdPercent` of its limit for `forSeconds`. Defaults 90 and 300. */
      memory?: { thresholdPercent?: number; forSeconds?: number };
      /** CT root disk use over `thresholdPercent` of its size for `forSeconds`. Defaults 90 and 0. */
      disk?: { thresholdPercent?: number; forSeconds?: number };
      /** How often the CTs' usage is read for the usage rules, and pending incidents are checked. Default 30. */
      checkIntervalSeconds?: number;
      /** How long resolved incidents stay in `GET /alerts?state=recent`. Default 7. */
      recentDays?: number;
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
    /**
     * The registry sync (src/registries): registers `dockerEnv.registries` in Portainer, writes rotated credentials,
     * grants each to its owner's team on the owner's environments and withdraws the ones no longer configured.
     */
    registrySync?: {
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
    /** `GET /environments/{name}/usage`. */
    usage?: {
      /** How long one read of an environment's usage (per range) is shared, ms; default 10000. */
      cacheMs?: number;
    };
  };
}
