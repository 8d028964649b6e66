// The REST resources the NetBox simulator serves: filters, create/update rules, delete rules.
import type { NetBoxState } from './model';
import type { NetBoxSerializer } from './serializer';
import type { Resource } from './resourceBase';
import { clusterTypeResource, clusterResource } from './clusterResources';
import { customFieldResource, tagResource } from './extrasResources';
import { virtualMachineResource, interfaceResource } from './vmResources';
import { ipAddressResource } from './ipamResources';

export type { Resource } from './resourceBase';

/** Builds the resource table over a state. */
export function buildResources(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource[] {
  return [
    clusterTypeResource(state, ser),
    clusterResource(state, ser),
    customFieldResource(state, ser),
    tagResource(state, ser),
    virtualMachineResource(state, ser),
    interfaceResource(state, ser),
    ipAddressResource(state, ser),
  ];
}
