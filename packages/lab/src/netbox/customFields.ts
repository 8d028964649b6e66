// Custom field values on any object type that has NetBox's `custom_fields` feature.
import type { NbCustomField, NetBoxState } from './model';
import type { BodyValidator, FieldErrors } from './validate';

/**
 * The NetBox 4.5 models with the `custom_fields` feature (every NetBoxModel and OrganizationalModel),
 * which `object_types` of a custom field may name. The simulator stores values for all of them but
 * serves only the ones it models (cluster types, clusters, VMs, VM interfaces, IP addresses).
 */
export const CUSTOM_FIELD_OBJECT_TYPES = [
  'circuits.circuit',
  'circuits.circuitgroup',
  'circuits.circuittermination',
  'circuits.circuittype',
  'circuits.provider',
  'circuits.provideraccount',
  'circuits.providernetwork',
  'circuits.virtualcircuit',
  'circuits.virtualcircuittermination',
  'circuits.virtualcircuittype',
  'core.datasource',
  'dcim.cable',
  'dcim.consoleport',
  'dcim.consoleserverport',
  'dcim.device',
  'dcim.devicebay',
  'dcim.devicerole',
  'dcim.devicetype',
  'dcim.frontport',
  'dcim.interface',
  'dcim.inventoryitem',
  'dcim.inventoryitemrole',
  'dcim.location',
  'dcim.macaddress',
  'dcim.manufacturer',
  'dcim.module',
  'dcim.modulebay',
  'dcim.moduletype',
  'dcim.platform',
  'dcim.powerfeed',
  'dcim.poweroutlet',
  'dcim.powerpanel',
  'dcim.powerport',
  'dcim.rack',
  'dcim.rackreservation',
  'dcim.rackrole',
  'dcim.racktype',
  'dcim.rearport',
  'dcim.region',
  'dcim.site',
  'dcim.sitegroup',
  'dcim.virtualchassis',
  'dcim.virtualdevicecontext',
  'extras.configcontext',
  'extras.configtemplate',
  'extras.eventrule',
  'extras.exporttemplate',
  'extras.journalentry',
  'extras.notificationgroup',
  'extras.savedfilter',
  'extras.webhook',
  'ipam.aggregate',
  'ipam.asn',
  'ipam.asnrange',
  'ipam.fhrpgroup',
  'ipam.ipaddress',
  'ipam.iprange',
  'ipam.prefix',
  'ipam.rir',
  'ipam.role',
  'ipam.routetarget',
  'ipam.service',
  'ipam.servicetemplate',
  'ipam.vlan',
  'ipam.vlangroup',
  'ipam.vlantranslationpolicy',
  'ipam.vlantranslationrule',
  'ipam.vrf',
  'tenancy.contact',
  'tenancy.contactgroup',
  'tenancy.contactrole',
  'tenancy.tenant',
  'tenancy.tenantgroup',
  'virtualization.cluster',
  'virtualization.clustergroup',
  'virtualization.clustertype',
  'virtualization.virtualdisk',
  'virtualization.virtualmachine',
  'virtualization.vminterface',
  'vpn.ikepolicy',
  'vpn.ikeproposal',
  'vpn.ipsecpolicy',
  'vpn.ipsecprofile',
  'vpn.ipsecproposal',
  'vpn.l2vpn',
  'vpn.l2vpntermination',
  'vpn.tunnel',
  'vpn.tunnelgroup',
  'vpn.tunneltermination',
  'wireless.wirelesslan',
  'wireless.wirelesslangroup',
  'wireless.wirelesslink',
];

function fieldsOf(state: NetBoxState, objectType: string): NbCustomField[] {
  return state.customFields.filter(f => f.object_types.includes(objectType));
}

/** An object's `custom_fields` as NetBox renders it: every field of its type, null when unset. */
export function renderCustomFields(
  state: NetBoxState,
  objectType: string,
  values: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(state, objectType))
    out[f.name] = values?.[f.name] ?? null;
  return out;
}

function checkCustomValue(type: string, val: unknown): string | undefined {
  if (val === null) return undefined;
  switch (type) {
    case 'integer':
      return Number.isInteger(val) ? undefined : 'Value must be an integer.';
    case 'decimal':
      return typeof val === 'number' ? undefined : 'Value must be a decimal.';
    case 'boolean':
      return typeof val === 'boolean'
        ? undefined
        : 'Value must be true or false.';
    case 'text':
    case 'longtext':
    case 'url':
    case 'select':
    case 'date':
    case 'datetime':
      return typeof val === 'string' ? undefined : 'Value must be a string.';
    default:
      return undefined;
  }
}

/**
 * Validates `custom_fields` of a write body for an object type; returns the merged values (unset
 * when the body has none) and records NetBox's errors on the validator.
 */
export function writeCustomFields(
  v: BodyValidator,
  state: NetBoxState,
  objectType: string,
  existing: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!v.has('custom_fields')) return undefined;
  const raw = v.body.custom_fields;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    v.add(
      'custom_fields',
      'Invalid data format. Custom field data must be passed as a dictionary.',
    );
    return undefined;
  }
  const known = fieldsOf(state, objectType);
  const unknown = Object.keys(raw)
    .filter(k => !known.some(f => f.name === k))
    .sort();
  if (unknown.length) {
    v.errors.custom_fields = Object.fromEntries(
      unknown.map(k => [
        k,
        `Custom field '${k}' does not exist for this object type.`,
      ]),
    );
    return undefined;
  }
  for (const [k, val] of Object.entries(raw)) {
    const err = checkCustomValue(known.find(x => x.name === k)!.type, val);
    if (err)
      v.add('custom_fields', `Invalid value for custom field '${k}': ${err}`);
  }
  return { ...(existing ?? {}), ...(raw as Record<string, unknown>) };
}

/** NetBox's model-level error when a required custom field of the type is empty. */
export function missingRequired(
  state: NetBoxState,
  objectType: string,
  values: Record<string, unknown>,
): FieldErrors | undefined {
  const missing = fieldsOf(state, objectType).find(
    f =>
      f.required && (values[f.name] === undefined || values[f.name] === null),
  );
  return missing
    ? { custom_fields: ['Required field cannot be empty.'] }
    : undefined;
}

/**
 * Ends a write's validation with its custom fields, as NetBox orders it: the body's field errors
 * first, then a required custom field left empty; otherwise the object's custom field values.
 */
export function checkCustomFields(
  v: BodyValidator,
  state: NetBoxState,
  objectType: string,
  existing: Record<string, unknown> | undefined,
): { errors: FieldErrors } | { values: Record<string, unknown> } {
  const written = writeCustomFields(v, state, objectType, existing);
  if (!v.ok) return { errors: v.errors };
  const values = written ?? existing ?? {};
  const missing = missingRequired(state, objectType, values);
  return missing ? { errors: missing } : { values };
}

/** `cf_<name>=<value>` list filters (unknown custom fields are ignored, as NetBox does). */
export function customFieldFilters(
  state: NetBoxState,
  q: URLSearchParams,
): Array<(o: { custom_fields?: Record<string, unknown> }) => boolean> {
  const preds: Array<
    (o: { custom_fields?: Record<string, unknown> }) => boolean
  > = [];
  for (const [key, value] of q.entries()) {
    if (!key.startsWith('cf_')) continue;
    const field = state.customFields.find(f => f.name === key.slice(3));
    if (!field) continue;
    preds.push(o => {
      const cur = o.custom_fields?.[field.name];
      if (cur === undefined || cur === null) return value === 'null';
      return String(cur) === value;
    });
  }
  return preds;
}
