import { CustomErrorBase } from '@backstage/errors';

/**
 * The external systems the clients talk to.
 *
 * @public
 */
export type UpstreamSystem =
  | 'proxmox'
  | 'netbox'
  | 'portainer'
  | 'traefik'
  | 'ssh'
  | 'docker'
  | 'webhook';

/**
 * Details of a failed call to an external system.
 *
 * @public
 */
export interface UpstreamApiErrorOptions {
  system: UpstreamSystem;
  /** HTTP status, or undefined for transport failures (refused, timeout). */
  status?: number;
  /** HTTP reason phrase or the system's own short message. */
  reason?: string;
  /** Field errors, e.g. Proxmox `errors` or NetBox `{field: [msg]}` flattened to one message each. */
  fieldErrors?: Record<string, string>;
  /** The operation, e.g. `POST /nodes/pve/lxc`; never carries secrets. */
  operation?: string;
  cause?: Error | unknown;
}

/**
 * A call to an external system failed. Carries the HTTP status, the reason and the field errors
 * so callers can tell "already exists" from "permission denied" from "unreachable".
 *
 * @public
 */
export class UpstreamApiError extends CustomErrorBase {
  name = 'UpstreamApiError' as const;
  readonly system: UpstreamSystem;
  readonly status?: number;
  readonly reason?: string;
  readonly fieldErrors: Record<string, string>;
  readonly operation?: string;

  constructor(message: string, options: UpstreamApiErrorOptions) {
    super(message, options.cause);
    this.system = options.system;
    this.status = options.status;
    this.reason = options.reason;
    this.fieldErrors = options.fieldErrors ?? {};
    this.operation = options.operation;
  }

  /** True for 404 answers. */
  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/** Thrown when a client refuses an input before any request is made. */
export { InputError } from '@backstage/errors';
