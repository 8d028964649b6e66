// NetBox virtual machines and their interfaces.
import { type NetBoxState, VM_STATUS } from './model';
import type { NetBoxSerializer } from './serializer';
import {
  checkCustomFields,
  customFieldFilters,
  missingRequired,
  writeCustomFields,
} from './customFields';
import { BodyValidator, type FieldErrors } from './validate';
import {
  type Resource,
  multi,
  byName,
  baseFilter,
  done,
  idFilter,
  tagIds,
  stamp,
} from './resourceBase';

/** Virtual machines (`virtualization/virtual-machines`). */
export function virtualMachineResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['virtualMachines'][number]> {
  return {
    path: 'virtualization/virtual-machines',
    model: 'VirtualMachine',
    op: 'netbox.vm',
    list: () => state.virtualMachines,
    serialize: o => ser.virtualMachine(o),
    sort: byName,
    filter: q => {
      const errors: FieldErrors = {};
      const preds = baseFilter<NetBoxState['virtualMachines'][number]>(
        state,
        q,
        errors,
      );
      idFilter(
        q,
        'cluster_id',
        id => state.clusters.some(c => c.id === id),
        o => o.cluster,
        preds,
        errors,
      );
      idFilter(
        q,
        'tenant_id',
        id => state.tenants.some(c => c.id === id),
        o => o.tenant,
        preds,
        errors,
      );
      idFilter(
        q,
        'role_id',
        id => state.roles.some(c => c.id === id),
        o => o.role,
        preds,
        errors,
      );
      const statuses = multi(q, 'status');
      const bad = statuses.find(s => !(s in VM_STATUS));
      if (bad)
        errors.status = [
          `Select a valid choice. ${bad} is not one of the available choices.`,
        ];
      else if (statuses.length) preds.push(o => statuses.includes(o.status));
      preds.push(...customFieldFilters(state, q));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const name = v.string('name', { required: true, maxLength: 64 });
      const status = v.choice('status', VM_STATUS);
      const cluster = v.relation(
        'cluster',
        id => state.clusters.some(c => c.id === id),
        {
          nullable: true,
        },
      );
      const tenant = v.relation(
        'tenant',
        id => state.tenants.some(t => t.id === id),
        {
          nullable: true,
        },
      );
      const role = v.relation(
        'role',
        id => state.roles.some(t => t.id === id),
        { nullable: true },
      );
      const primaryIp4 = v.relation(
        'primary_ip4',
        id => state.ipAddresses.some(i => i.id === id),
        {
          nullable: true,
        },
      );
      let vcpus: number | null | undefined;
      if (v.has('vcpus')) {
        const raw = body.vcpus;
        if (raw === null) vcpus = null;
        else if (typeof raw !== 'number' || Number.isNaN(raw))
          v.add('vcpus', 'A valid number is required.');
        else if (raw < 0.01)
          v.add('vcpus', 'Ensure this value is greater than or equal to 0.01.');
        else if (raw >= 10000)
          v.add(
            'vcpus',
            'Ensure that there are no more than 4 digits before the decimal point.',
          );
        else vcpus = raw;
      }
      const memory = v.integer('memory', {
        nullable: true,
        min: 0,
        max: 2147483647,
      });
      const disk = v.integer('disk', {
        nullable: true,
        min: 0,
        max: 2147483647,
      });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      const comments = v.string('comments', { allowBlank: true });
      const tags = tagIds(v, state);
      const customFields = writeCustomFields(
        v,
        state,
        'virtualization.virtualmachine',
        existing?.custom_fields,
      );
      if (v.has('primary_ip4') && typeof primaryIp4 === 'number') {
        const ip = state.ipAddresses.find(i => i.id === primaryIp4)!;
        const iface = state.interfaces.find(
          i =>
            ip.assigned_object_type === 'virtualization.vminterface' &&
            i.id === ip.assigned_object_id,
        );
        if (!existing || iface?.virtual_machine !== existing.id) {
          v.add(
            'primary_ip4',
            `The specified IP address (${ip.address}) is not assigned to this VM.`,
          );
        }
      }
      if (!v.ok) return v.errors;
      const next = {
        ...stamp(existing, state, 'vm'),
        name: name ?? existing!.name,
        status: status ?? existing?.status ?? 'active',
        cluster: cluster !== undefined ? cluster : existing?.cluster ?? null,
        tenant: tenant !== undefined ? tenant : existing?.tenant ?? null,
        role: role !== undefined ? role : existing?.role ?? null,
        primary_ip4:
          primaryIp4 !== undefined ? primaryIp4 : existing?.primary_ip4 ?? null,
        vcpus: vcpus !== undefined ? vcpus : existing?.vcpus ?? null,
        memory: memory !== undefined ? memory : existing?.memory ?? null,
        disk: disk !== undefined ? disk : existing?.disk ?? null,
        description: description ?? existing?.description ?? '',
        comments: comments ?? existing?.comments ?? '',
        tags: tags ?? existing?.tags ?? [],
        custom_fields: customFields ?? existing?.custom_fields ?? {},
      };
      // Model-level checks (Django full_clean), reported under __all__ like NetBox does.
      if (next.cluster === null) {
        return {
          __all__: [
            'A virtual machine must be assigned to a site and/or cluster.',
          ],
        };
      }
      const clash = state.virtualMachines.find(
        o =>
          o.id !== next.id &&
          o.cluster === next.cluster &&
          o.tenant === next.tenant &&
          o.name.toLowerCase() === next.name.toLowerCase(),
      );
      if (clash)
        return {
          __all__: ['Virtual machine name must be unique per cluster.'],
        };
      const cfError = missingRequired(
        state,
        'virtualization.virtualmachine',
        next.custom_fields,
      );
      if (cfError) return cfError;
      return next;
    },
    remove: o => {
      const ifaceIds = state.interfaces
        .filter(i => i.virtual_machine === o.id)
        .map(i => i.id);
      state.ipAddresses = state.ipAddresses.filter(
        ip =>
          !(
            ip.assigned_object_type === 'virtualization.vminterface' &&
            ifaceIds.includes(ip.assigned_object_id ?? -1)
          ),
      );
      state.interfaces = state.interfaces.filter(
        i => i.virtual_machine !== o.id,
      );
      state.virtualMachines = state.virtualMachines.filter(x => x.id !== o.id);
      return undefined;
    },
  };
}

/** VM interfaces (`virtualization/interfaces`). */
export function interfaceResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['interfaces'][number]> {
  return {
    path: 'virtualization/interfaces',
    model: 'VMInterface',
    op: 'netbox.interface',
    list: () => state.interfaces,
    serialize: o => ser.vmInterface(o),
    sort: (a, b) => a.virtual_machine - b.virtual_machine || byName(a, b),
    filter: q => {
      const errors: FieldErrors = {};
      const preds = baseFilter<NetBoxState['interfaces'][number]>(
        state,
        q,
        errors,
      );
      idFilter(
        q,
        'virtual_machine_id',
        id => state.virtualMachines.some(x => x.id === id),
        o => o.virtual_machine,
        preds,
        errors,
      );
      preds.push(...customFieldFilters(state, q));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const vm = v.relation(
        'virtual_machine',
        id => state.virtualMachines.some(x => x.id === id),
        {
          required: true,
        },
      );
      const name = v.string('name', { required: true, maxLength: 64 });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      let enabled: boolean | undefined;
      if (v.has('enabled')) {
        if (typeof body.enabled !== 'boolean')
          v.add('enabled', 'Must be a valid boolean.');
        else enabled = body.enabled;
      }
      const tags = tagIds(v, state);
      const cf = checkCustomFields(
        v,
        state,
        'virtualization.vminterface',
        existing?.custom_fields,
      );
      if ('errors' in cf) return cf.errors;
      const next = {
        ...stamp(existing, state, 'interface'),
        custom_fields: cf.values,
        virtual_machine: (vm ?? existing!.virtual_machine) as number,
        name: name ?? existing!.name,
        enabled: enabled ?? existing?.enabled ?? true,
        description: description ?? existing?.description ?? '',
        tags: tags ?? existing?.tags ?? [],
      };
      if (
        state.interfaces.some(
          i =>
            i.id !== next.id &&
            i.virtual_machine === next.virtual_machine &&
            i.name === next.name,
        )
      ) {
        return {
          non_field_errors: [
            'The fields virtual_machine, name must make a unique set.',
          ],
        };
      }
      return next;
    },
    remove: o => {
      state.ipAddresses = state.ipAddresses.filter(
        ip =>
          !(
            ip.assigned_object_type === 'virtualization.vminterface' &&
            ip.assigned_object_id === o.id
          ),
      );
      state.interfaces = state.interfaces.filter(x => x.id !== o.id);
      return undefined;
    },
  };
}
