// In-memory NetBox objects as the simulator stores them, and NetBox's choice tables.
/** A stored cluster type. */
export interface NbClusterType {
  id: number;
  name: string;
  slug: string;
  description: string;
  created: string;
  last_updated: string;
  /** Custom field values (only set ones). */
  custom_fields?: Record<string, unknown>;
}

/** A stored cluster. */
export interface NbCluster {
  id: number;
  name: string;
  type: number;
  status: string;
  description: string;
  comments: string;
  tags: number[];
  created: string;
  last_updated: string;
  /** Custom field values (only set ones). */
  custom_fields?: Record<string, unknown>;
}

/** A stored custom field. */
export interface NbCustomField {
  id: number;
  name: string;
  label: string;
  type: string;
  object_types: string[];
  description: string;
  required: boolean;
  created: string;
  last_updated: string;
}

/** A stored tag. */
export interface NbTag {
  id: number;
  name: string;
  slug: string;
  color: string;
  description: string;
  created: string;
  last_updated: string;
}

/** A seeded tenant or device role (read only in the simulator). */
export interface NbNamed {
  id: number;
  name: string;
  slug: string;
}

/** A stored virtual machine. */
export interface NbVirtualMachine {
  id: number;
  name: string;
  cluster: number | null;
  status: string;
  vcpus: number | null;
  memory: number | null;
  disk: number | null;
  tenant: number | null;
  role: number | null;
  primary_ip4: number | null;
  description: string;
  comments: string;
  tags: number[];
  custom_fields: Record<string, unknown>;
  created: string;
  last_updated: string;
}

/** A stored VM interface. */
export interface NbInterface {
  id: number;
  virtual_machine: number;
  name: string;
  enabled: boolean;
  description: string;
  tags: number[];
  created: string;
  last_updated: string;
  /** Custom field values (only set ones). */
  custom_fields?: Record<string, unknown>;
}

/** A stored IP address. */
export interface NbIpAddress {
  id: number;
  address: string;
  status: string;
  assigned_object_type: string | null;
  assigned_object_id: number | null;
  dns_name: string;
  description: string;
  tags: number[];
  created: string;
  last_updated: string;
  /** Custom field values (only set ones). */
  custom_fields?: Record<string, unknown>;
}

/** Everything the NetBox simulator holds; served at `GET /_lab/state`. */
export interface NetBoxState {
  clusterTypes: NbClusterType[];
  clusters: NbCluster[];
  customFields: NbCustomField[];
  tags: NbTag[];
  tenants: NbNamed[];
  roles: NbNamed[];
  virtualMachines: NbVirtualMachine[];
  interfaces: NbInterface[];
  ipAddresses: NbIpAddress[];
  nextId: Record<string, number>;
}

export const VM_STATUS: Record<string, string> = {
  offline: 'Offline',
  active: 'Active',
  planned: 'Planned',
  staged: 'Staged',
  failed: 'Failed',
  decommissioning: 'Decommissioning',
  paused: 'Paused',
};

export const CLUSTER_STATUS: Record<string, string> = {
  planned: 'Planned',
  staging: 'Staging',
  active: 'Active',
  decommissioning: 'Decommissioning',
  offline: 'Offline',
};

export const IP_STATUS: Record<string, string> = {
  active: 'Active',
  reserved: 'Reserved',
  deprecated: 'Deprecated',
  dhcp: 'DHCP',
  slaac: 'SLAAC',
};

export const CF_TYPES: Record<string, [label: string, dataType: string]> = {
  text: ['Text', 'string'],
  longtext: ['Text (long)', 'string'],
  integer: ['Integer', 'integer'],
  decimal: ['Decimal', 'number'],
  boolean: ['Boolean (true/false)', 'boolean'],
  date: ['Date', 'string'],
  datetime: ['Date & time', 'string'],
  url: ['URL', 'string'],
  json: ['JSON', 'object'],
  select: ['Selection', 'string'],
  multiselect: ['Multiple selection', 'array'],
  object: ['Object', 'object'],
  multiobject: ['Multiple objects', 'array'],
};
