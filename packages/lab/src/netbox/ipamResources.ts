// NetBox IPAM: IP addresses.
import { IP_STATUS, type NetBoxState } from './model';
import type { NetBoxSerializer } from './serializer';
import { checkCustomFields, customFieldFilters } from './customFields';
import { BodyValidator, type FieldErrors } from './validate';
import {
  type Resource,
  multi,
  baseFilter,
  done,
  tagIds,
  stamp,
  isCidr4,
  ipKey,
} from './resourceBase';

/** IP addresses (`ipam/ip-addresses`). */
export function ipAddressResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['ipAddresses'][number]> {
  return {
    path: 'ipam/ip-addresses',
    model: 'IPAddress',
    op: 'netbox.ipAddress',
    list: () => state.ipAddresses,
    serialize: o => ser.ipAddress(o),
    sort: (a, b) => ipKey(a.address) - ipKey(b.address) || a.id - b.id,
    filter: q => {
      const errors: FieldErrors = {};
      const preds = baseFilter<NetBoxState['ipAddresses'][number]>(
        state,
        q,
        errors,
      );
      const addrs = q.getAll('address');
      if (addrs.length)
        preds.push(o =>
          addrs.some(a => o.address === a || o.address.split('/')[0] === a),
        );
      const ifaces = multi(q, 'vminterface_id');
      if (ifaces.length) {
        preds.push(
          o =>
            o.assigned_object_type === 'virtualization.vminterface' &&
            ifaces.includes(String(o.assigned_object_id)),
        );
      }
      const vms = multi(q, 'virtual_machine_id');
      if (vms.length) {
        preds.push(o => {
          const i = state.interfaces.find(
            x =>
              o.assigned_object_type === 'virtualization.vminterface' &&
              x.id === o.assigned_object_id,
          );
          return !!i && vms.includes(String(i.virtual_machine));
        });
      }
      preds.push(...customFieldFilters(state, q));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const address = v.string('address', { required: true });
      if (address !== undefined && !isCidr4(address)) {
        v.add('address', `Invalid IP address format: ${address}`);
      }
      const status = v.choice('status', IP_STATUS);
      const dnsName = v.string('dns_name', {
        maxLength: 255,
        allowBlank: true,
        pattern: [
          /^([0-9A-Za-z_-]+|\*)(\.[0-9A-Za-z_-]+)*\.?$/,
          'Only alphanumeric characters, asterisks, hyphens, periods, and underscores are allowed in DNS names',
        ],
      });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      let aType: string | null | undefined;
      if (v.has('assigned_object_type')) {
        const raw = body.assigned_object_type;
        if (raw === null) aType = null;
        else if (
          raw !== 'virtualization.vminterface' &&
          raw !== 'dcim.interface' &&
          raw !== 'ipam.fhrpgroup'
        ) {
          v.add('assigned_object_type', `Invalid content type: ${String(raw)}`);
        } else aType = raw;
      }
      const aId = v.integer('assigned_object_id', { nullable: true, min: 0 });
      const tags = tagIds(v, state);
      const cf = checkCustomFields(
        v,
        state,
        'ipam.ipaddress',
        existing?.custom_fields,
      );
      if ('errors' in cf) return cf.errors;
      const next = {
        ...stamp(existing, state, 'ipAddress'),
        custom_fields: cf.values,
        address: address ?? existing!.address,
        status: status ?? existing?.status ?? 'active',
        dns_name: dnsName ?? existing?.dns_name ?? '',
        description: description ?? existing?.description ?? '',
        assigned_object_type:
          aType !== undefined ? aType : existing?.assigned_object_type ?? null,
        assigned_object_id:
          aId !== undefined ? aId : existing?.assigned_object_id ?? null,
        tags: tags ?? existing?.tags ?? [],
      };
      if (next.assigned_object_type && next.assigned_object_id !== null) {
        const found =
          next.assigned_object_type === 'virtualization.vminterface' &&
          state.interfaces.some(i => i.id === next.assigned_object_id);
        if (!found) {
          return {
            assigned_object_id: [
              `Related object not found using the provided numeric ID: ${next.assigned_object_id}`,
            ],
          };
        }
      }
      return next;
    },
    remove: o => {
      for (const vm of state.virtualMachines)
        if (vm.primary_ip4 === o.id) vm.primary_ip4 = null;
      state.ipAddresses = state.ipAddresses.filter(x => x.id !== o.id);
      return undefined;
    },
  };
}
