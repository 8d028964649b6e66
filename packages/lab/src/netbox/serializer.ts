// NetBox's REST representations of the stored objects (NetBox 4.5 serializers).
import { renderCustomFields } from './customFields';
import {
  CF_TYPES,
  CLUSTER_STATUS,
  IP_STATUS,
  type NbCluster,
  type NbClusterType,
  type NbCustomField,
  type NbInterface,
  type NbIpAddress,
  type NbTag,
  type NbVirtualMachine,
  type NetBoxState,
  VM_STATUS,
} from './model';

/** Builds NetBox's representations; `base` is `http://host:port`. */
export class NetBoxSerializer {
  constructor(
    private readonly base: string,
    private readonly state: NetBoxState,
  ) {}

  private url(path: string, id: number) {
    return `${this.base}/api/${path}/${id}/`;
  }

  private displayUrl(path: string, id: number) {
    return `${this.base}/${path}/${id}/`;
  }

  briefClusterType(t: NbClusterType) {
    return {
      id: t.id,
      url: this.url('virtualization/cluster-types', t.id),
      display: t.name,
      name: t.name,
      slug: t.slug,
      description: t.description,
      cluster_count: this.state.clusters.filter(c => c.type === t.id).length,
    };
  }

  clusterType(t: NbClusterType) {
    return {
      id: t.id,
      url: this.url('virtualization/cluster-types', t.id),
      display_url: this.displayUrl('virtualization/cluster-types', t.id),
      display: t.name,
      name: t.name,
      slug: t.slug,
      description: t.description,
      owner: null,
      comments: '',
      tags: [],
      custom_fields: renderCustomFields(
        this.state,
        'virtualization.clustertype',
        t.custom_fields,
      ),
      created: t.created,
      last_updated: t.last_updated,
      cluster_count: this.state.clusters.filter(c => c.type === t.id).length,
    };
  }

  briefCluster(c: NbCluster) {
    return {
      id: c.id,
      url: this.url('virtualization/clusters', c.id),
      display: c.name,
      name: c.name,
      description: c.description,
      virtualmachine_count: this.state.virtualMachines.filter(
        v => v.cluster === c.id,
      ).length,
    };
  }

  cluster(c: NbCluster) {
    const vms = this.state.virtualMachines.filter(v => v.cluster === c.id);
    const type = this.state.clusterTypes.find(t => t.id === c.type)!;
    return {
      id: c.id,
      url: this.url('virtualization/clusters', c.id),
      display_url: this.displayUrl('virtualization/clusters', c.id),
      display: c.name,
      name: c.name,
      type: this.briefClusterType(type),
      group: null,
      status: { value: c.status, label: CLUSTER_STATUS[c.status] },
      tenant: null,
      scope_type: null,
      scope_id: null,
      scope: null,
      description: c.description,
      owner: null,
      comments: c.comments,
      tags: c.tags.map(id => this.nestedTag(id)),
      custom_fields: renderCustomFields(
        this.state,
        'virtualization.cluster',
        c.custom_fields,
      ),
      created: c.created,
      last_updated: c.last_updated,
      device_count: 0,
      virtualmachine_count: vms.length,
      allocated_vcpus: vms.reduce((s, v) => s + (v.vcpus ?? 0), 0),
      allocated_memory: vms.reduce((s, v) => s + (v.memory ?? 0), 0),
      allocated_disk: vms.reduce((s, v) => s + (v.disk ?? 0), 0),
    };
  }

  customField(f: NbCustomField) {
    const [typeLabel, dataType] = CF_TYPES[f.type];
    return {
      id: f.id,
      url: this.url('extras/custom-fields', f.id),
      display_url: this.displayUrl('extras/custom-fields', f.id),
      display: f.label || f.name,
      object_types: f.object_types,
      type: { value: f.type, label: typeLabel },
      related_object_type: null,
      data_type: dataType,
      name: f.name,
      label: f.label,
      group_name: '',
      description: f.description,
      required: f.required,
      unique: false,
      search_weight: 1000,
      filter_logic: { value: 'loose', label: 'Loose' },
      ui_visible: { value: 'always', label: 'Always' },
      ui_editable: { value: 'yes', label: 'Yes' },
      is_cloneable: false,
      default: null,
      related_object_filter: null,
      weight: 100,
      validation_minimum: null,
      validation_maximum: null,
      validation_regex: '',
      choice_set: null,
      owner: null,
      comments: '',
      created: f.created,
      last_updated: f.last_updated,
    };
  }

  private taggedItems(tagId: number) {
    const s = this.state;
    return [s.clusters, s.virtualMachines, s.interfaces, s.ipAddresses].reduce(
      (n, list) => n + list.filter(o => o.tags.includes(tagId)).length,
      0,
    );
  }

  tag(t: NbTag) {
    return {
      id: t.id,
      url: this.url('extras/tags', t.id),
      display_url: this.displayUrl('extras/tags', t.id),
      display: t.name,
      name: t.name,
      slug: t.slug,
      color: t.color,
      description: t.description,
      weight: 1000,
      object_types: [],
      tagged_items: this.taggedItems(t.id),
      created: t.created,
      last_updated: t.last_updated,
    };
  }

  nestedTag(id: number) {
    const t = this.state.tags.find(x => x.id === id)!;
    return {
      id: t.id,
      url: this.url('extras/tags', t.id),
      display_url: this.displayUrl('extras/tags', t.id),
      display: t.name,
      name: t.name,
      slug: t.slug,
      color: t.color,
    };
  }

  private briefTenant(id: number | null) {
    const t = this.state.tenants.find(x => x.id === id);
    if (!t) return null;
    return {
      id: t.id,
      url: this.url('tenancy/tenants', t.id),
      display: t.name,
      name: t.name,
      slug: t.slug,
      description: '',
    };
  }

  private briefRole(id: number | null) {
    const r = this.state.roles.find(x => x.id === id);
    if (!r) return null;
    return {
      id: r.id,
      url: this.url('dcim/device-roles', r.id),
      display: r.name,
      name: r.name,
      slug: r.slug,
      description: '',
      device_count: 0,
      virtualmachine_count: this.state.virtualMachines.filter(
        v => v.role === r.id,
      ).length,
      _depth: 0,
    };
  }

  briefIp(id: number | null) {
    const ip = this.state.ipAddresses.find(x => x.id === id);
    if (!ip) return null;
    return {
      id: ip.id,
      url: this.url('ipam/ip-addresses', ip.id),
      display: ip.address,
      family: { value: 4, label: 'IPv4' },
      address: ip.address,
      description: ip.description,
    };
  }

  briefVm(v: NbVirtualMachine) {
    return {
      id: v.id,
      url: this.url('virtualization/virtual-machines', v.id),
      display: v.name,
      name: v.name,
      description: v.description,
    };
  }

  virtualMachine(v: NbVirtualMachine) {
    const cluster = this.state.clusters.find(c => c.id === v.cluster);
    const ip4 = this.briefIp(v.primary_ip4);
    return {
      id: v.id,
      url: this.url('virtualization/virtual-machines', v.id),
      display_url: this.displayUrl('virtualization/virtual-machines', v.id),
      display: v.name,
      name: v.name,
      status: { value: v.status, label: VM_STATUS[v.status] },
      start_on_boot: { value: 'off', label: 'Off' },
      site: null,
      cluster: cluster ? this.briefCluster(cluster) : null,
      device: null,
      serial: '',
      role: this.briefRole(v.role),
      tenant: this.briefTenant(v.tenant),
      platform: null,
      primary_ip: ip4,
      primary_ip4: ip4,
      primary_ip6: null,
      vcpus: v.vcpus,
      memory: v.memory,
      disk: v.disk,
      description: v.description,
      owner: null,
      comments: v.comments,
      config_template: null,
      local_context_data: null,
      tags: v.tags.map(id => this.nestedTag(id)),
      custom_fields: renderCustomFields(
        this.state,
        'virtualization.virtualmachine',
        v.custom_fields,
      ),
      config_context: {},
      created: v.created,
      last_updated: v.last_updated,
      interface_count: this.state.interfaces.filter(
        i => i.virtual_machine === v.id,
      ).length,
      virtual_disk_count: 0,
    };
  }

  vmInterface(i: NbInterface) {
    const vm = this.state.virtualMachines.find(
      v => v.id === i.virtual_machine,
    )!;
    return {
      id: i.id,
      url: this.url('virtualization/interfaces', i.id),
      display_url: this.displayUrl('virtualization/interfaces', i.id),
      display: i.name,
      virtual_machine: this.briefVm(vm),
      name: i.name,
      enabled: i.enabled,
      parent: null,
      bridge: null,
      mtu: null,
      mac_address: null,
      primary_mac_address: null,
      mac_addresses: [],
      description: i.description,
      // NetBox's ChoiceField renders an empty choice as null (the OpenAPI schema omits nullable).
      mode: null,
      untagged_vlan: null,
      tagged_vlans: [],
      qinq_svlan: null,
      vlan_translation_policy: null,
      vrf: null,
      l2vpn_termination: null,
      owner: null,
      tags: i.tags.map(id => this.nestedTag(id)),
      custom_fields: renderCustomFields(
        this.state,
        'virtualization.vminterface',
        i.custom_fields,
      ),
      created: i.created,
      last_updated: i.last_updated,
      count_ipaddresses: this.state.ipAddresses.filter(
        a =>
          a.assigned_object_type === 'virtualization.vminterface' &&
          a.assigned_object_id === i.id,
      ).length,
      count_fhrp_groups: 0,
    };
  }

  private assignedObject(ip: NbIpAddress) {
    if (ip.assigned_object_type !== 'virtualization.vminterface') return null;
    const i = this.state.interfaces.find(x => x.id === ip.assigned_object_id);
    if (!i) return null;
    const vm = this.state.virtualMachines.find(
      v => v.id === i.virtual_machine,
    )!;
    return {
      id: i.id,
      url: this.url('virtualization/interfaces', i.id),
      display: i.name,
      virtual_machine: this.briefVm(vm),
      name: i.name,
      description: i.description,
    };
  }

  ipAddress(ip: NbIpAddress) {
    return {
      id: ip.id,
      url: this.url('ipam/ip-addresses', ip.id),
      display_url: this.displayUrl('ipam/ip-addresses', ip.id),
      display: ip.address,
      family: { value: 4, label: 'IPv4' },
      address: ip.address,
      vrf: null,
      tenant: null,
      status: { value: ip.status, label: IP_STATUS[ip.status] },
      // Empty choice renders as null, as above.
      role: null,
      assigned_object_type: ip.assigned_object_type,
      assigned_object_id: ip.assigned_object_id,
      assigned_object: this.assignedObject(ip),
      nat_inside: null,
      nat_outside: [],
      dns_name: ip.dns_name,
      description: ip.description,
      owner: null,
      comments: '',
      tags: ip.tags.map(id => this.nestedTag(id)),
      custom_fields: renderCustomFields(
        this.state,
        'ipam.ipaddress',
        ip.custom_fields,
      ),
      created: ip.created,
      last_updated: ip.last_updated,
    };
  }
}
