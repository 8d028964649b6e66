// NetBox clusters: cluster types and clusters.
import { CLUSTER_STATUS, type NetBoxState } from './model';
import type { NetBoxSerializer } from './serializer';
import { checkCustomFields, customFieldFilters } from './customFields';
import { BodyValidator, type FieldErrors } from './validate';
import {
  type Resource,
  TAG_RE,
  byName,
  baseFilter,
  done,
  idFilter,
  tagIds,
  stamp,
} from './resourceBase';

/** Cluster types (`virtualization/cluster-types`). */
export function clusterTypeResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['clusterTypes'][number]> {
  return {
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
      const cf = checkCustomFields(
        v,
        state,
        'virtualization.clustertype',
        existing?.custom_fields,
      );
      if ('errors' in cf) return cf.errors;
      const o = {
        ...stamp(existing, state, 'clusterType'),
        custom_fields: cf.values,
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
}

/** Clusters (`virtualization/clusters`). */
export function clusterResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['clusters'][number]> {
  return {
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
      const cf = checkCustomFields(
        v,
        state,
        'virtualization.cluster',
        existing?.custom_fields,
      );
      if ('errors' in cf) return cf.errors;
      return {
        ...stamp(existing, state, 'cluster'),
        custom_fields: cf.values,
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
}
