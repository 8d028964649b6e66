/**
 * VM status values of NetBox 4.x.
 *
 * @public
 */
export const NETBOX_VM_STATUSES = [
  'offline',
  'active',
  'planned',
  'staged',
  'failed',
  'decommissioning',
  'paused',
] as const;

/**
 * A NetBox virtual machine status.
 *
 * @public
 */
export type NetBoxVmStatus = (typeof NETBOX_VM_STATUSES)[number];

/**
 * A reference to another NetBox object, as read back (brief form).
 *
 * @public
 */
export interface NetBoxRef {
  id: number;
  name: string;
  slug?: string;
}

/**
 * A cluster type or cluster.
 *
 * @public
 */
export interface NetBoxCluster {
  id: number;
  name: string;
  /** Cluster type id (clusters only). */
  typeId?: number;
  slug?: string;
}

/**
 * A custom field.
 *
 * @public
 */
export interface NetBoxCustomField {
  id: number;
  name: string;
  type: string;
  objectTypes: string[];
}

/**
 * A tag.
 *
 * @public
 */
export interface NetBoxTag {
  id: number;
  name: string;
  slug: string;
}

/**
 * A virtual machine, normalised: choices are plain values, references are brief objects.
 *
 * @public
 */
export interface NetBoxVirtualMachine {
  id: number;
  name: string;
  status: NetBoxVmStatus;
  statusLabel: string;
  cluster: NetBoxRef | null;
  tenant: NetBoxRef | null;
  role: NetBoxRef | null;
  vcpus: number | null;
  memoryMb: number | null;
  diskMb: number | null;
  primaryIp4: { id: number; address: string } | null;
  comments: string;
  tags: string[];
  customFields: Record<string, unknown>;
  url: string;
}

/**
 * What to create or update on a VM.
 *
 * @public
 */
export interface NetBoxVmInput {
  name: string;
  clusterId: number;
  status?: NetBoxVmStatus;
  vcpus?: number;
  memoryMb?: number;
  diskMb?: number;
  tenantId?: number;
  roleId?: number;
  /** Tags by name and slug (as {@link NetBoxApi.ensureTag} returns them); they must exist. */
  tags?: Array<{ name: string; slug: string }>;
  comments?: string;
  customFields?: Record<string, string | number | boolean | null>;
}

/**
 * A VM interface.
 *
 * @public
 */
export interface NetBoxVmInterface {
  id: number;
  name: string;
  virtualMachineId: number;
}

/**
 * An IP address.
 *
 * @public
 */
export interface NetBoxIpAddress {
  id: number;
  address: string;
  status: string;
  assignedInterfaceId: number | null;
}

/**
 * The NetBox operations the platform uses.
 *
 * @public
 */
export interface NetBoxApi {
  /** Finds or creates a cluster type (e.g. `Proxmox`, slug `proxmox`). */
  ensureClusterType(name: string, slug: string): Promise<NetBoxCluster>;
  /** Finds or creates a cluster of the given type. */
  ensureCluster(name: string, typeId: number): Promise<NetBoxCluster>;
  /** Finds or creates a custom field on virtual machines. */
  ensureCustomField(input: {
    name: string;
    type: 'text' | 'integer' | 'boolean' | 'url' | 'longtext';
    label?: string;
    description?: string;
  }): Promise<NetBoxCustomField>;
  /** Finds or creates a tag. */
  ensureTag(name: string, slug: string, color?: string): Promise<NetBoxTag>;
  createVirtualMachine(input: NetBoxVmInput): Promise<NetBoxVirtualMachine>;
  getVirtualMachine(
    name: string,
    clusterId: number,
  ): Promise<NetBoxVirtualMachine | undefined>;
  getVirtualMachineById(id: number): Promise<NetBoxVirtualMachine>;
  listVirtualMachines(filter: {
    clusterId?: number;
    status?: NetBoxVmStatus;
    tag?: string;
    customField?: { name: string; value: string };
  }): Promise<NetBoxVirtualMachine[]>;
  updateVirtualMachine(
    id: number,
    patch: Partial<NetBoxVmInput>,
  ): Promise<NetBoxVirtualMachine>;
  setVirtualMachineStatus(
    id: number,
    status: NetBoxVmStatus,
  ): Promise<NetBoxVirtualMachine>;
  deleteVirtualMachine(id: number): Promise<void>;
  /**
   * Creates or updates (by name in the cluster) a VM marked with the environment id (custom field
   * `docker_env_environment_id`, which must exist); a same-named VM without that mark is refused
   * with an `OwnershipConflictError`.
   */
  upsertVirtualMachine(
    input: NetBoxVmInput,
    ownership: { environmentId: string },
  ): Promise<{ vm: NetBoxVirtualMachine; created: boolean }>;
  /** Finds the VM's interface by name, or creates it. */
  ensureInterface(
    virtualMachineId: number,
    name: string,
    options?: { tags?: Array<{ name: string; slug: string }> },
  ): Promise<NetBoxVmInterface & { created: boolean }>;
  /**
   * Finds the address on the interface, or creates it there; the same address anywhere else is
   * refused with an `OwnershipConflictError`.
   */
  ensureIpAddress(input: {
    address: string;
    interfaceId: number;
    dnsName?: string;
    description?: string;
    tags?: Array<{ name: string; slug: string }>;
  }): Promise<NetBoxIpAddress & { created: boolean }>;
  /**
   * Moves the primary IPv4 address object of our VM to `ip` (same prefix length, `PATCH /api/ipam/ip-addresses/{id}/`);
   * true when it changed, false when it already had that address or the VM has none. A VM without this environment
   * id in its custom field is refused with an `OwnershipConflictError`.
   */
  changePrimaryIp4(
    virtualMachineId: number,
    environmentId: string,
    ip: string,
  ): Promise<boolean>;
  /**
   * Deletes the primary IPv4 address object of our VM (the address goes back to the pool); false when it has none or
   * it was already gone. Same ownership refusal as {@link NetBoxApi.changePrimaryIp4}.
   */
  releasePrimaryIp4(
    virtualMachineId: number,
    environmentId: string,
  ): Promise<boolean>;
  setPrimaryIp4(
    virtualMachineId: number,
    ipAddressId: number,
  ): Promise<NetBoxVirtualMachine>;
}
