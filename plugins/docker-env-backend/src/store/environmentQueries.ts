import { InputError } from '@backstage/errors';
import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { EnvironmentQuery } from './types';

const QUERY_COLUMNS: Record<EnvironmentQuery['property'], string> = {
  owner: 'owner',
  name: 'name',
  status: 'status',
};

/** Applies a permission filter to a query on `environments`. */
export function applyEnvironmentFilter(
  qb: Knex.QueryBuilder,
  filter: PermissionCriteria<EnvironmentQuery>,
): void {
  if ('allOf' in filter) {
    qb.where(b =>
      filter.allOf.forEach(f => b.andWhere(i => applyEnvironmentFilter(i, f))),
    );
  } else if ('anyOf' in filter) {
    if (filter.anyOf.length === 0) qb.whereRaw('1 = 0');
    else
      qb.where(b =>
        filter.anyOf.forEach(f => b.orWhere(i => applyEnvironmentFilter(i, f))),
      );
  } else if ('not' in filter) {
    qb.whereNot(b => applyEnvironmentFilter(b, filter.not));
  } else if (filter.values.length === 0) {
    qb.whereRaw('1 = 0');
  } else {
    qb.whereIn(QUERY_COLUMNS[filter.property], filter.values);
  }
}

/** The cursor of the page after `env`. */
export function encodeCursor(env: Environment): string {
  return Buffer.from(JSON.stringify([env.name, env.id])).toString('base64url');
}

/** The name and id a cursor this API returned points after; 400 for any other. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every(v => typeof v === 'string')
    ) {
      return value as [string, string];
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError('cursor: must be a nextCursor this API returned');
}
