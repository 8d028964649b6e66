import type {
  Environment,
  EnvironmentSize,
  EnvironmentStatus,
} from '@docker-env/plugin-docker-env-common';
import type { EnvironmentPatch, NewEnvironment } from './types';

/**
 * The one parser of timestamp columns: PostgreSQL gives Dates, SQLite the epoch milliseconds a store wrote (a bound
 * `Date`), or a `YYYY-MM-DD HH:MM:SS` UTC text when a default wrote it. Null stays null.
 */
export function parseTimestamp(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  return new Date(
    /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`,
  );
}

/** A timestamp column as an ISO 8601 string (what the API answers), through {@link parseTimestamp}. */
export function readTimestamp(value: unknown): string | null {
  const date = parseTimestamp(value);
  if (date === null) return null;
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/** Parses a JSON text column, `fallback` when empty. */
export function readJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  return JSON.parse(String(value)) as T;
}

/** A row of `environments`. */
export interface EnvironmentRow {
  id: string;
  name: string;
  owner: string;
  status: string;
  status_reason: string | null;
  size: string;
  cpu_cores: number;
  memory_mb: number;
  disk_gb: number;
  purpose: string;
  expires_on: string | null;
  url: string | null;
  portainer_url: string | null;
  vmid: number | null;
  node: string | null;
  facts: string | null;
  created_by: string;
  created_at: unknown;
  updated_at: unknown;
}

/** A numeric id provisioning recorded in `facts` (`netboxVmId`, `endpointId`), else null. */
function factId(facts: Record<string, unknown>, key: string): number | null {
  const value = facts[key];
  return typeof value === 'number' ? value : null;
}

/** Maps an `environments` row to the API shape. */
export function toEnvironment(row: EnvironmentRow): Environment {
  const facts = readJson<Record<string, unknown>>(row.facts, {});
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    status: row.status as EnvironmentStatus,
    statusReason: row.status_reason ?? null,
    ...leftoversOf(row.status, facts),
    size: row.size as EnvironmentSize,
    cpuCores: Number(row.cpu_cores),
    memoryMb: Number(row.memory_mb),
    diskGb: Number(row.disk_gb),
    purpose: row.purpose ?? '',
    expiresOn: row.expires_on ?? null,
    url: row.url ?? null,
    portainerUrl: row.portainer_url ?? null,
    vmid: row.vmid === null || row.vmid === undefined ? null : Number(row.vmid),
    node: row.node ?? null,
    netboxVmId: factId(facts, 'netboxVmId'),
    portainerEndpointId: factId(facts, 'endpointId'),
    createdBy: row.created_by,
    createdAt: readTimestamp(row.created_at)!,
    updatedAt: readTimestamp(row.updated_at)!,
  };
}

/** The leftovers an environment in `cleanup_required` lists (its facts carry them). */
function leftoversOf(
  status: string,
  facts: Record<string, unknown>,
): { leftovers?: string[] } {
  if (status !== 'cleanup_required' || !Array.isArray(facts.leftovers))
    return {};
  return {
    leftovers: facts.leftovers.filter(
      (x): x is string => typeof x === 'string',
    ),
  };
}

/** A new `environments` row. */
export function toEnvironmentRow(
  input: NewEnvironment,
  id: string,
  now: Date,
): EnvironmentRow {
  return {
    id,
    name: input.name,
    owner: input.owner,
    status: input.status,
    status_reason: null,
    size: input.size,
    cpu_cores: input.cpuCores,
    memory_mb: input.memoryMb,
    disk_gb: input.diskGb,
    purpose: input.purpose,
    expires_on: input.expiresOn,
    url: null,
    portainer_url: null,
    vmid: null,
    node: null,
    facts: null,
    created_by: input.createdBy,
    created_at: now,
    updated_at: now,
  };
}

/** The columns a patch changes (`updated_at` always). */
export function toEnvironmentChanges(
  patch: EnvironmentPatch,
  now: Date,
): Record<string, unknown> {
  const changes: Record<string, unknown> = { updated_at: now };
  if (patch.status !== undefined) changes.status = patch.status;
  if (patch.statusReason !== undefined)
    changes.status_reason = patch.statusReason;
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.portainerUrl !== undefined)
    changes.portainer_url = patch.portainerUrl;
  if (patch.vmid !== undefined) changes.vmid = patch.vmid;
  if (patch.node !== undefined) changes.node = patch.node;
  if (patch.facts !== undefined) changes.facts = JSON.stringify(patch.facts);
  if (patch.expiresOn !== undefined) changes.expires_on = patch.expiresOn;
  if (patch.size !== undefined) changes.size = patch.size;
  if (patch.cpuCores !== undefined) changes.cpu_cores = patch.cpuCores;
  if (patch.memoryMb !== undefined) changes.memory_mb = patch.memoryMb;
  if (patch.diskGb !== undefined) changes.disk_gb = patch.diskGb;
  if (patch.owner !== undefined) changes.owner = patch.owner;
  return changes;
}

/** True when `error` is a unique-constraint violation (SQLite or PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
