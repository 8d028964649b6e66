// The REST resources the NetBox simulator serves: filters, create/update rules, delete rules.
import {
  CF_TYPES,
  CLUSTER_STATUS,
  IP_STATUS,
  NetBoxSerializer,
  NetBoxState,
  VM_STATUS,
} from './model';
import {
  CUSTOM_FIELD_OBJECT_TYPES,
  customFieldFilters,
  missingRequired,
  writeCustomFields,
} from './customFields';
import { BodyValidator, FieldErrors } from './validate';

type Obj = { id: number; created: string; last_updated: string };
type Query = URLSearchParams;

/** Result of a filter parse: a predicate, or filter errors (NetBox answers 400 with them). */
type FilterResult<T> = { match: (o: T) => boolean } | { errors: FieldErrors };

/** One REST collection, e.g. `virtualization/virtual-machines`. */
export interface Resource<T extends Obj = any> {
  path: string;
  /** Django model name for 404 messages. */
  model: string;
  /** Lab operation prefix, e.g. `netbox.vm`. */
  op: string;
  list(): T[];
  serialize(o: T): unknown;
  filter(q: Query): FilterResult<T>;
  sort(a: T, b: T): number;
  /** Validates and applies a body; returns errors or the (new or updated) object. */
  write(
    body: Record<string, unknown>,
    existing: T | undefined,
    partial: boolean,
  ): FieldErrors | T;
  /** Returns a 409 detail when protected objects depend on it, otherwise deletes (with cascades). */
  remove(o: T): string | undefined;
}

const now = () => new Date().toISOString();
const TAG_RE: [RegExp, string] = [
  /^[-\w]+$/,
  'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.',
];

function multi(q: Query, key: string) {
  return q
    .getAll(key)
    .flatMap(v => v.split(','))
    .filter(v => v !== '');
}

function byName(
  a: { name: string; id: number },
  b: { name: string; id: number },
) {
  return a.name.localeCompare(b.name, 'en', { numeric: true }) || a.id - b.id;
}

/** Shared filters: id, name, slug, tag. */
function baseFilter<
  T extends Obj & { name?: string; slug?: string; tags?: number[] },
>(state: NetBoxState, q: Query, errors: FieldErrors): Array<(o: T) => boolean> {
  const preds: Array<(o: T) => boolean> = [];
  const ids = multi(q, 'id');
  if (ids.length) preds.push(o => ids.includes(String(o.id)));
  const names = q.getAll('name');
  if (names.length) preds.push(o => names.includes(o.name ?? ''));
  const nameIe = q.getAll('name__ie').map(s => s.toLowerCase());
  if (nameIe.length)
    preds.push(o => nameIe.includes((o.name ?? '').toLowerCase()));
  const slugs = q.getAll('slug');
  if (slugs.length) preds.push(o => slugs.includes(o.slug ?? ''));
  const tags = q.getAll('tag');
  if (tags.length) {
    const unknown = tags.filter(s => !state.tags.some(t => t.slug === s));
    if (unknown.length) {
      errors.tag = [
        `Select a valid choice. ${unknown[0]} is not one of the available choices.`,
      ];
    }
    // NetBox ANDs repeated tag filters.
    preds.push(o =>
      tags.every(s =>
        (o.tags ?? []).some(
          id => state.tags.find(t => t.id === id)?.slug === s,
        ),
      ),
    );
  }
  return preds;
}

function done<T>(
  preds: Array<(o: T) => boolean>,
  errors: FieldErrors,
): FilterResult<T> {
  if (Object.keys(errors).length) return { errors };
  return { match: o => preds.every(p => p(o)) };
}

function idFilter<T>(
  q: Query,
  key: string,
  exists: (id: number) => boolean,
  get: (o: T) => number | null,
  preds: Array<(o: T) => boolean>,
  errors: FieldErrors,
) {
  const vals = multi(q, key);
  if (!vals.length) return;
  for (const v of vals) {
    if (v !== 'null' && (!/^\d+$/.test(v) || !exists(Number(v)))) {
      errors[key] = [
        `Select a valid choice. ${v} is not one of the available choices.`,
      ];
      return;
    }
  }
  preds.push(o =>
    vals.some(v => (v === 'null' ? get(o) === null : get(o) === Number(v))),
  );
}

/** Tags on write: ids or `{name}`/`{slug}` dicts, resolved to existing tags. */
function tagIds(v: BodyValidator, state: NetBoxState): number[] | undefined {
  if (!v.has('tags')) return undefined;
  const raw = v.body.tags;
  if (!Array.isArray(raw)) {
    v.add('tags', `Expected a list of items but got type "${typeof raw}".`);
    return undefined;
  }
  const out: number[] = [];
  const resolve = (item: unknown) => {
    if (typeof item === 'number') return state.tags.find(t => t.id === item);
    if (typeof item !== 'object' || item === null) return undefined;
    const attrs = item as { id?: unknown; name?: unknown; slug?: unknown };
    return state.tags.find(
      t =>
        (attrs.slug === undefined || t.slug === attrs.slug) &&
        (attrs.name === undefined || t.name === attrs.name) &&
        (attrs.id === undefined || t.id === attrs.id),
    );
  };
  for (const item of raw) {
    const tag = resolve(item);
    if (!tag) {
      v.add(
        'tags',
        `Related object not found using the provided attributes: ${JSON.stringify(
          item,
        )}`,
      );
      return undefined;
    }
    out.push(tag.id);
  }
  return out;
}

function nextId(state: NetBoxState, kind: string) {
  state.nextId[kind] = (state.nextId[kind] ?? 0) + 1;
  return state.nextId[kind];
}

function stamp<T extends Obj>(
  existing: T | undefined,
  state: NetBoxState,
  kind: string,
): Obj {
  const t = now();
  return existing
    ? { id: existing.id, created: existing.created, last_updated: t }
    : { id: nextId(state, kind), created: t, last_updated: t };
}

/** Builds the resource table over a state. */
export function buildResources(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource[] {
  const clusterTypes: Resource<NetBoxState['clusterTypes'][number]> = {
    path: 'virtualization/cluster-types',
    model: 'ClusterType',
    op: 'netbox.clusterType',
    list: () => state.clusterTypes,
    serialize: o => ser.clusterType(o),
    sort: byName,
    filter: q => {
      const errors: FieldErrors = {};
      return done(
        [
          ...baseFilter<NetBoxState['clusterTypes'][number]>(state, q, errors),
          ...customFieldFilters(state, q),
        ],
        errors,
      );
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const name = v.string('name', { required: true, maxLength: 100 });
      const slug = v.string('slug', {
        required: true,
        maxLength: 100,
        pattern: [/^[-a-zA-Z0-9_]+$/, TAG_RE[1]],
      });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      if (
        name &&
        state.clusterTypes.some(t => t.name === name && t.id !== existing?.id)
      ) {
        v.add('name', 'cluster type with this name already exists.');
      }
      if (
        slug &&
        state.clusterTypes.some(t => t.slug === slug && t.id !== existing?.id)
      ) {
        v.add('slug', 'cluster type with this slug already exists.');
      }
      const customFields = writeCustomFields(
        v,
        state,
        'virtualization.clustertype',
        existing?.custom_fields,
      );
      if (!v.ok) return v.errors;
      const cfError = missingRequired(
        state,
        'virtualization.clustertype',
        customFields ?? existing?.custom_fields ?? {},
      );
      if (cfError) return cfError;
      const o = {
        ...stamp(existing, state, 'clusterType'),
        custom_fields: customFields ?? existing?.custom_fields ?? {},
        name: name ?? existing!.name,
        slug: slug ?? existing!.slug,
        description: description ?? existing?.description ?? '',
      };
      return o;
    },
    remove: o => {
      const n = state.clusters.filter(c => c.type === o.id).length;
      if (n)
        return `Unable to delete object. ${n} dependent objects were found: cluster`;
      state.clusterTypes = state.clusterTypes.filter(x => x.id !== o.id);
      return undefined;
    },
  };

  const clusters: Resource<NetBoxState['clusters'][number]> = {
    path: 'virtualization/clusters',
    model: 'Cluster',
    op: 'netbox.cluster',
    list: () => state.clusters,
    serialize: o => ser.cluster(o),
    sort: byName,
    filter: q => {
      const errors: FieldErrors = {};
      const preds = baseFilter<NetBoxState['clusters'][number]>(
        state,
        q,
        errors,
      );
      idFilter(
        q,
        'type_id',
        id => state.clusterTypes.some(t => t.id === id),
        o => o.type,
        preds,
        errors,
      );
      preds.push(...customFieldFilters(state, q));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const name = v.string('name', { required: true, maxLength: 100 });
      const type = v.relation(
        'type',
        id => state.clusterTypes.some(t => t.id === id),
        {
          required: true,
        },
      );
      const status = v.choice('status', CLUSTER_STATUS);
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      const comments = v.string('comments', { allowBlank: true });
      const tags = tagIds(v, state);
      const customFields = writeCustomFields(
        v,
        state,
        'virtualization.cluster',
        existing?.custom_fields,
      );
      if (!v.ok) return v.errors;
      const cfError = missingRequired(
        state,
        'virtualization.cluster',
        customFields ?? existing?.custom_fields ?? {},
      );
      if (cfError) return cfError;
      return {
        ...stamp(existing, state, 'cluster'),
        custom_fields: customFields ?? existing?.custom_fields ?? {},
        name: name ?? existing!.name,
        type: (type ?? existing!.type) as number,
        status: status ?? existing?.status ?? 'active',
        description: description ?? existing?.description ?? '',
        comments: comments ?? existing?.comments ?? '',
        tags: tags ?? existing?.tags ?? [],
      };
    },
    remove: o => {
      const n = state.virtualMachines.filter(vm => vm.cluster === o.id).length;
      if (n)
        return `Unable to delete object. ${n} dependent objects were found: virtual machine`;
      state.clusters = state.clusters.filter(x => x.id !== o.id);
      return undefined;
    },
  };

  const customFieldResource: Resource<NetBoxState['customFields'][number]> = {
    path: 'extras/custom-fields',
    model: 'CustomField',
    op: 'netbox.customField',
    list: () => state.customFields,
    serialize: o => ser.customField(o),
    sort: byName,
    filter: q => {
      const errors: FieldErrors = {};
      const preds = baseFilter<NetBoxState['customFields'][number]>(
        state,
        q,
        errors,
      );
      const ots = q.getAll('object_type');
      if (ots.length)
        preds.push(o => ots.some(t => o.object_types.includes(t)));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const name = v.string('name', {
        required: true,
        maxLength: 50,
        pattern: [
          /^[a-z0-9_]+$/i,
          'Only alphanumeric characters and underscores are allowed.',
        ],
      });
      if (name && name.includes('__')) {
        v.add(
          'name',
          'Double underscores are not permitted in custom field names.',
        );
      }
      const label = v.string('label', { maxLength: 50, allowBlank: true });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      const type = v.has('type')
        ? v.choice(
            'type',
            Object.fromEntries(Object.keys(CF_TYPES).map(k => [k, k])),
          )
        : undefined;
      let objectTypes: string[] | undefined;
      if (v.has('object_types')) {
        const raw = body.object_types;
        const known = CUSTOM_FIELD_OBJECT_TYPES;
        if (!Array.isArray(raw) || raw.length === 0)
          v.add('object_types', 'This list may not be empty.');
        else {
          const bad = raw.find(
            t => typeof t !== 'string' || !known.includes(t),
          );
          if (bad !== undefined)
            v.add('object_types', `Invalid object type: ${String(bad)}`);
          else objectTypes = raw as string[];
        }
      } else if (!partial) v.add('object_types', 'This field is required.');
      let required: boolean | undefined;
      if (v.has('required')) {
        if (typeof body.required !== 'boolean')
          v.add('required', 'Must be a valid boolean.');
        else required = body.required;
      }
      if (
        name &&
        state.customFields.some(f => f.name === name && f.id !== existing?.id)
      ) {
        v.add('name', 'custom field with this name already exists.');
      }
      if (!v.ok) return v.errors;
      return {
        ...stamp(existing, state, 'customField'),
        name: name ?? existing!.name,
        label: label ?? existing?.label ?? '',
        type: type ?? existing?.type ?? 'text',
        object_types: objectTypes ?? existing!.object_types,
        description: description ?? existing?.description ?? '',
        required: required ?? existing?.required ?? false,
      };
    },
    remove: o => {
      state.customFields = state.customFields.filter(x => x.id !== o.id);
      for (const list of [
        state.clusterTypes,
        state.clusters,
        state.virtualMachines,
        state.interfaces,
        state.ipAddresses,
      ] as Array<Array<{ custom_fields?: Record<string, unknown> }>>)
        for (const x of list) delete x.custom_fields?.[o.name];
      return undefined;
    },
  };

  const tagResource: Resource<NetBoxState['tags'][number]> = {
    path: 'extras/tags',
    model: 'Tag',
    op: 'netbox.tag',
    list: () => state.tags,
    serialize: o => ser.tag(o),
    sort: byName,
    filter: q => {
      const errors: FieldErrors = {};
      const preds: Array<(o: NetBoxState['tags'][number]) => boolean> = [];
      const names = q.getAll('name');
      if (names.length) preds.push(o => names.includes(o.name));
      const slugs = q.getAll('slug');
      if (slugs.length) preds.push(o => slugs.includes(o.slug));
      return done(preds, errors);
    },
    write: (body, existing, partial) => {
      const v = new BodyValidator(body, partial);
      const name = v.string('name', { required: true, maxLength: 100 });
      const slug = v.string('slug', {
        required: true,
        maxLength: 100,
        pattern: TAG_RE,
      });
      const color = v.string('color', {
        maxLength: 6,
        pattern: [/^[0-9a-f]{6}$/, 'Enter a valid value.'],
      });
      const description = v.string('description', {
        maxLength: 200,
        allowBlank: true,
      });
      if (
        name &&
        state.tags.some(t => t.name === name && t.id !== existing?.id)
      ) {
        v.add('name', 'tag with this name already exists.');
      }
      if (
        slug &&
        state.tags.some(t => t.slug === slug && t.id !== existing?.id)
      ) {
        v.add('slug', 'tag with this slug already exists.');
      }
      if (!v.ok) return v.errors;
      return {
        ...stamp(existing, state, 'tag'),
        name: name ?? existing!.name,
        slug: slug ?? existing!.slug,
        color: color ?? existing?.color ?? '9e9e9e',
        description: description ?? existing?.description ?? '',
      };
    },
    remove: o => {
      state.tags = state.tags.filter(x => x.id !== o.id);
      for (const list of [
        state.clusters,
        state.virtualMachines,
        state.interfaces,
        state.ipAddresses,
      ]) {
        for (const item of list)
          item.tags = item.tags.filter(id => id !== o.id);
      }
      return undefined;
    },
  };

  const virtualMachines: Resource<NetBoxState['virtualMachines'][number]> = {
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

  const interfaces: Resource<NetBoxState['interfaces'][number]> = {
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
      const customFields = writeCustomFields(
        v,
        state,
        'virtualization.vminterface',
        existing?.custom_fields,
      );
      if (!v.ok) return v.errors;
      const cfError = missingRequired(
        state,
        'virtualization.vminterface',
        customFields ?? existing?.custom_fields ?? {},
      );
      if (cfError) return cfError;
      const next = {
        ...stamp(existing, state, 'interface'),
        custom_fields: customFields ?? existing?.custom_fields ?? {},
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

  const ipAddresses: Resource<NetBoxState['ipAddresses'][number]> = {
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
      const customFields = writeCustomFields(
        v,
        state,
        'ipam.ipaddress',
        existing?.custom_fields,
      );
      if (!v.ok) return v.errors;
      const cfError = missingRequired(
        state,
        'ipam.ipaddress',
        customFields ?? existing?.custom_fields ?? {},
      );
      if (cfError) return cfError;
      const next = {
        ...stamp(existing, state, 'ipAddress'),
        custom_fields: customFields ?? existing?.custom_fields ?? {},
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

  return [
    clusterTypes,
    clusters,
    customFieldResource,
    tagResource,
    virtualMachines,
    interfaces,
    ipAddresses,
  ];
}

function isCidr4(s: string) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return (
    !!m && m.slice(1, 5).every(p => Number(p) <= 255) && Number(m[5]) <= 32
  );
}

function ipKey(s: string) {
  return s
    .split('/')[0]
    .split('.')
    .reduce((n, p) => n * 256 + (Number(p) || 0), 0);
}
