import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  DOCKER_ENV_ANNOTATION,
  DOCKER_ENV_STATUS_ANNOTATION,
  Environment,
  isNameHoldingStatus,
} from '@docker-env/plugin-docker-env-common';

/**
 * `spec.type` of every environment entity.
 *
 * @public
 */
export const ENVIRONMENT_ENTITY_TYPE = 'docker-environment';

/**
 * Annotation carrying the environment's record id.
 *
 * @public
 */
export const ENVIRONMENT_ID_ANNOTATION = 'docker-env.io/environment-id';
/**
 * Annotation carrying the Proxmox VMID of the environment's container.
 *
 * @public
 */
export const VMID_ANNOTATION = 'docker-env.io/vmid';
/**
 * Annotation carrying the Proxmox node the container runs on.
 *
 * @public
 */
export const NODE_ANNOTATION = 'docker-env.io/node';
/**
 * Annotation carrying the NetBox id of the environment's virtual machine, once provisioning registered it.
 *
 * @public
 */
export const NETBOX_VM_ID_ANNOTATION = 'docker-env.io/netbox-vm-id';
/**
 * Annotation carrying the Portainer endpoint id of the environment's agent, once provisioning registered it.
 *
 * @public
 */
export const PORTAINER_ENDPOINT_ID_ANNOTATION =
  'docker-env.io/portainer-endpoint-id';

/**
 * Annotation listing what an operation left behind (`; `-separated), on an environment in `cleanup_required`.
 *
 * @public
 */
export const LEFTOVERS_ANNOTATION = 'docker-env.io/leftovers';

/**
 * True when the environment belongs in the catalog: it holds its name (`cleanup_required` included: its leftovers
 * are still there).
 *
 * @public
 */
export function isPublished(environment: Pick<Environment, 'status'>): boolean {
  return isNameHoldingStatus(environment.status);
}

/**
 * The catalog ref of an environment's entity.
 *
 * @public
 */
export function environmentEntityRef(name: string): string {
  return `resource:default/${name}`;
}

/**
 * `docker-env:<baseUrl>`, the location every environment entity is managed by.
 *
 * @public
 */
export function providerLocation(baseUrl: string): string {
  return `docker-env:${baseUrl}`;
}

function optionalId(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string'
    ? String(value)
    : undefined;
}

/**
 * Maps an environment record of the docker-env API to its `resource:default/<name>` entity.
 *
 * @public
 */
export function environmentToEntity(
  environment: Environment,
  options: { baseUrl: string },
): Entity {
  const location = providerLocation(options.baseUrl);
  const annotations: Record<string, string> = {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
    [DOCKER_ENV_ANNOTATION]: environment.name,
    [DOCKER_ENV_STATUS_ANNOTATION]: environment.status,
    [ENVIRONMENT_ID_ANNOTATION]: environment.id,
  };
  const optional: Array<[string, string | undefined]> = [
    [VMID_ANNOTATION, optionalId(environment.vmid)],
    [NODE_ANNOTATION, environment.node ?? undefined],
    [NETBOX_VM_ID_ANNOTATION, optionalId(environment.netboxVmId)],
    [
      PORTAINER_ENDPOINT_ID_ANNOTATION,
      optionalId(environment.portainerEndpointId),
    ],
    [LEFTOVERS_ANNOTATION, environment.leftovers?.join('; ') || undefined],
  ];
  for (const [key, value] of optional) {
    if (value) annotations[key] = value;
  }
  const links = [];
  if (environment.url) {
    links.push({ url: environment.url, title: 'Environment', icon: 'web' });
  }
  if (environment.portainerUrl) {
    links.push({
      url: environment.portainerUrl,
      title: 'Portainer',
      icon: 'dashboard',
    });
  }
  const resources = `${environment.cpuCores} CPU, ${environment.memoryMb} MB memory, ${environment.diskGb} GB disk`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: environment.name,
      namespace: 'default',
      title: `${environment.name} (Docker environment)`,
      description: `${environment.purpose || 'Docker environment'} (size ${
        environment.size
      }: ${resources})`,
      annotations,
      links,
      tags: ['docker-environment'],
    },
    spec: {
      type: ENVIRONMENT_ENTITY_TYPE,
      owner: environment.owner,
    },
  };
}
