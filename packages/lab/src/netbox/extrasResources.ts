// NetBox extras: custom fields and tags.
import { CF_TYPES, type NetBoxState } from './model';
import type { NetBoxSerializer } from './serializer';
import { CUSTOM_FIELD_OBJECT_TYPES } from './customFields';
import { BodyValidator, type FieldErrors } from './validate';
import {
  type Resource,
  TAG_RE,
  byName,
  baseFilter,
  done,
  stamp,
} from './resourceBase';

/** Custom fields (`extras/custom-fields`). */
export function customFieldResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['customFields'][number]> {
  return {
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
}

/** Tags (`extras/tags`). */
export function tagResource(
  state: NetBoxState,
  ser: NetBoxSerializer,
): Resource<NetBoxState['tags'][number]> {
  return {
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
}
