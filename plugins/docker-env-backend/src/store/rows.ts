import type {
  Environment,
  EnvironmentSize,
  EnvironmentStatus,
  Operation,
  OperationKind,
  OperationStatus,
  OperationStepRecord,
  OperationStepStatus,
} from '@docker-env/plugin-docker-env-common';

/**
 * Reads a timestamp column: PostgreSQL gives Dates, SQLite the epoch milliseconds the store wrote (or a
 * `YYYY-MM-DD HH:MM:SS` string when a default wrote it).
 */
export function readTimestamp(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text)).toISOString();
  const date = new Date(
    text.includes('T') ? text : `${text.replace(' ', 'T')}Z`,
  );
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
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

/** A row of `operations`. */
export interface OperationRow {
  id: string;
  environment_id: string;
  kind: string;
  status: string;
  input: string;
  result: string | null;
  error: string | null;
  failed_step: string | null;
  requested_by: string;
  created_at: unknown;
  started_at: unknown;
  ended_at: unknown;
  attempts: number;
}

/** A row of `operation_steps`. */
export interface OperationStepRow {
  operation_id: string;
  position: number;
  name: string;
  status: string;
  started_at: unknown;
  ended_at: unknown;
  facts: string | null;
  error: string | null;
}

/** Maps an `operation_steps` row to the API shape. */
export function toStep(row: OperationStepRow): OperationStepRecord {
  return {
    position: Number(row.position),
    name: row.name,
    status: row.status as OperationStepStatus,
    startedAt: readTimestamp(row.started_at),
    endedAt: readTimestamp(row.ended_at),
    facts: readJson(row.facts, {}),
    error: row.error ?? null,
  };
}

/** Maps an `operations` row and its steps to the API shape. */
export function toOperation(
  row: OperationRow,
  steps: OperationStepRow[],
): Operation {
  return {
    id: row.id,
    environmentId: row.environment_id,
    kind: row.kind as OperationKind,
    status: row.status as OperationStatus,
    input: readJson(row.input, {}),
    result: readJson(row.result, null),
    error: row.error ?? null,
    failedStep: row.failed_step ?? null,
    requestedBy: row.requested_by,
    createdAt: readTimestamp(row.created_at)!,
    startedAt: readTimestamp(row.started_at),
    endedAt: readTimestamp(row.ended_at),
    attempts: Number(row.attempts),
    steps: steps
      .filter(s => s.operation_id === row.id)
      .sort((a, b) => a.position - b.position)
      .map(toStep),
  };
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
