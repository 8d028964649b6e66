// What every NetBox REST resource shares: its shape, query filters, tag resolution, id stamping.
import { type NetBoxState } from './model';
import { BodyValidator, type FieldErrors } from './validate';

export type Obj = { id: number; created: string; last_updated: string };
export type Query = URLSearchParams;

/** Result of a filter parse: a predicate, or filter errors (NetBox answers 400 with them). */
export type FilterResult<T> =
  | { match: (o: T) => boolean }
  | { errors: FieldErrors };

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

export const now = () => new Date().toISOString();
export const TAG_RE: [RegExp, string] = [
  /^[-\w]+$/,
  'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.',
];

export function multi(q: Query, key: string) {
  return q
    .getAll(key)
    .flatMap(v => v.split(','))
    .filter(v => v !== '');
}

export function byName(
  a: { name: string; id: number },
  b: { name: string; id: number },
) {
  return a.name.localeCompare(b.name, 'en', { numeric: true }) || a.id - b.id;
}

/** Shared filters: id, name, slug, tag. */
export function baseFilter<
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

export function done<T>(
  preds: Array<(o: T) => boolean>,
  errors: FieldErrors,
): FilterResult<T> {
  if (Object.keys(errors).length) return { errors };
  return { match: o => preds.every(p => p(o)) };
}

export function idFilter<T>(
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
export function tagIds(
  v: BodyValidator,
  state: NetBoxState,
): number[] | undefined {
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

export function nextId(state: NetBoxState, kind: string) {
  state.nextId[kind] = (state.nextId[kind] ?? 0) + 1;
  return state.nextId[kind];
}

export function stamp<T extends Obj>(
  existing: T | undefined,
  state: NetBoxState,
  kind: string,
): Obj {
  const t = now();
  return existing
    ? { id: existing.id, created: existing.created, last_updated: t }
    : { id: nextId(state, kind), created: t, last_updated: t };
}

/** Whether `s` is an IPv4 address with a prefix length, as NetBox checks it. */
export function isCidr4(s: string) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return (
    !!m && m.slice(1, 5).every(p => Number(p) <= 255) && Number(m[5]) <= 32
  );
}

/** Numeric sort key of an IPv4 address (prefix length ignored). */
export function ipKey(s: string) {
  return s
    .split('/')[0]
    .split('.')
    .reduce((n, p) => n * 256 + (Number(p) || 0), 0);
}
