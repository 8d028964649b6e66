export interface Config {
  dockerEnv?: {
    /** Entity refs whose members are docker-env admins (quotas, approvals, any owner). Default `group:default/platform-team`. */
    admins?: string[];
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
    /** `GET /status` probes. */
    status?: {
      /** Timeout of each external system's probe, ms; default 3000. */
      timeoutMs?: number;
    };
  };
}
