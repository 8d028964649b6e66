import { ConflictError, InputError } from '@backstage/errors';

/**
 * The mark every resource we create carries (PVE tag, Portainer tag, NetBox tag, Docker label value).
 *
 * @public
 */
export const MANAGED_BY = 'docker-env';

/**
 * The extra mark of what a scaffolder fine-grained action creates (`OperationTarget.management:
 * 'unmanaged'`): ours, but the reconciler leaves it alone. The `_` keeps it apart from every
 * per-environment tag `docker-env-<id>` (ids have no `_`).
 *
 * @public
 */
export const UNMANAGED_MARK = 'docker-env_unmanaged';

/**
 * Docker label naming the environment a container belongs to.
 *
 * @public
 */
export const ENVIRONMENT_LABEL = 'io.docker-env.environment';

/**
 * The NetBox custom field holding the environment id (the mark NetBox objects are checked by).
 *
 * @public
 */
export const NETBOX_ENVIRONMENT_FIELD = 'docker_env_environment_id';

const ENVIRONMENT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * An environment id as it reaches tags, labels and filters: lowercase letters, digits and `-`, at most 63.
 *
 * @public
 */
export function assertEnvironmentId(
  value: unknown,
  field = 'environmentId',
): string {
  if (typeof value !== 'string' || !ENVIRONMENT_ID.test(value)) {
    throw new InputError(
      `${field}: must be 1-63 lowercase letters, digits or "-", starting with a letter or digit`,
    );
  }
  return value;
}

/**
 * The per-environment PVE tag, `docker-env-<id>`.
 *
 * @public
 */
export function pveEnvironmentTag(environmentId: string): string {
  return `${MANAGED_BY}-${assertEnvironmentId(environmentId)}`;
}

/**
 * The per-environment Portainer tag name, `docker-env-<id>` (like the PVE tag).
 *
 * @public
 */
export function portainerEnvironmentTag(environmentId: string): string {
  return `${MANAGED_BY}-${assertEnvironmentId(environmentId)}`;
}

/**
 * The line a description carries for an environment (PVE clones take a description but no tags).
 *
 * @public
 */
export function descriptionMark(environmentId: string): string {
  return `${MANAGED_BY}-environment: ${assertEnvironmentId(environmentId)}`;
}

/**
 * True when a description carries the mark line of this environment.
 *
 * @public
 */
export function hasDescriptionMark(
  description: string | undefined,
  environmentId: string,
): boolean {
  const mark = descriptionMark(environmentId);
  return (description ?? '').split(/\r?\n/).some(l => l.trim() === mark);
}

/**
 * A resource with the name we need exists but does not carry our mark (or carries another
 * environment's): we never adopt it. A `ConflictError` (HTTP 409) naming the system and the resource.
 *
 * @public
 */
export class OwnershipConflictError extends ConflictError {
  readonly system: string;
  readonly resource: string;

  constructor(system: string, resource: string, detail: string) {
    super(
      `${system} ${resource} already exists and is not ours (${detail}); remove or rename it, or choose another name`,
    );
    this.system = system;
    this.resource = resource;
  }
}
