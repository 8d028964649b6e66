export interface Config {
  dockerEnv?: {
    /** The durable operation runner of the backend plugin (one per backend replica). */
    runner?: {
      /** Operations one replica runs at once. Default 4. */
      concurrency?: number;
      /** How long a claim lasts without a heartbeat before another replica takes the operation over. Default 30. */
      leaseSeconds?: number;
      /** How often a replica looks for queued and abandoned operations. Default 1000. */
      pollIntervalMs?: number;
      /** Claims after which an interrupted step is rolled back instead of run again; at twice this the runner gives up. Default 3. */
      maxAttempts?: number;
      /** How long shutdown waits for running steps before it aborts them and hands their operations over. Default 5. */
      shutdownGraceSeconds?: number;
      /** How often the global recovery sweep runs (the scheduler task `docker-env-operation-recovery`). Default 30. */
      recoveryFrequencySeconds?: number;
    };
  };
}
