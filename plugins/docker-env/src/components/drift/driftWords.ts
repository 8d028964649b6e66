import { DriftFlag, DriftKind, DriftResourceKind } from '../../api';

/** Each drift kind in words, for owners and admins alike (the reconciler's README says what it does about each). */
export const DRIFT_KIND_WORDS: Record<DriftKind, string> = {
  ct_missing: 'The container is gone from Proxmox',
  ct_stopped: 'The container was stopped outside the portal',
  ct_running: 'The container is running although the environment is paused',
  ct_address_changed:
    'The container got another address outside the portal; its route follows it',
  route_missing: 'The route file is missing and could not be rewritten',
  route_changed:
    'The route file differs from the portal settings and could not be rewritten',
  endpoint_missing: 'Portainer no longer knows the environment',
  netbox_missing: 'NetBox has no record of the environment',
  registry_missing: 'A configured registry is not registered in Portainer',
  registry_changed:
    'A registry in Portainer has another address or user than configured',
  registry_access_missing:
    "The owner's team may not use its registry on this environment",
  registry_access_foreign:
    "Another team may use the owner's registry on this environment",
  orphan: 'A resource carries the portal mark but no environment holds it',
};

/** Each resource kind in words. */
export const DRIFT_RESOURCE_WORDS: Record<DriftResourceKind, string> = {
  ct: 'Proxmox container',
  route: 'Traefik route',
  portainer_endpoint: 'Portainer environment',
  netbox_vm: 'NetBox VM',
  portainer_registry: 'Portainer registry',
};

/** "Proxmox container 120": the resource a flag is about. */
export function driftResource(flag: DriftFlag): string {
  return `${DRIFT_RESOURCE_WORDS[flag.resourceKind] ?? flag.resourceKind} ${
    flag.resourceId
  }`;
}

/** The kind of a flag in words (the code itself for a kind this page does not know yet). */
export function driftKindWords(kind: DriftKind): string {
  return DRIFT_KIND_WORDS[kind] ?? kind;
}
