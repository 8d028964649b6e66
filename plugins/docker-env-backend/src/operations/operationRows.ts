import type {
  Operation,
  OperationKind,
  OperationStatus,
  OperationStepStatus,
} from '@docker-env/plugin-docker-env-common';
import { parseTimestamp, readJson } from '../store/rows';
import type { OperationRecord, OperationStepRecord } from './OperationStore';

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
  claimed_by: string | null;
  claim_expires_at: unknown;
  attempts: number;
  lock_key: string | null;
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

/** The one mapper of an `operations` row. */
export function toOperationRecord(row: OperationRow): OperationRecord {
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
    createdAt: parseTimestamp(row.created_at)!,
    startedAt: parseTimestamp(row.started_at),
    endedAt: parseTimestamp(row.ended_at),
    claimedBy: row.claimed_by ?? null,
    claimExpiresAt: parseTimestamp(row.claim_expires_at),
    attempts: Number(row.attempts ?? 0),
  };
}

/** The one mapper of an `operation_steps` row. */
export function toStepRecord(row: OperationStepRow): OperationStepRecord {
  return {
    position: Number(row.position),
    name: row.name,
    status: row.status as OperationStepStatus,
    startedAt: parseTimestamp(row.started_at),
    endedAt: parseTimestamp(row.ended_at),
    facts: readJson(row.facts, {}),
    error: row.error ?? null,
  };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** An operation record and its steps in the API's shape (timestamps as ISO 8601, no claim columns). */
export function toApiOperation(
  record: OperationRecord,
  steps: OperationStepRecord[],
): Operation {
  return {
    id: record.id,
    environmentId: record.environmentId,
    kind: record.kind,
    status: record.status,
    input: record.input,
    result: record.result,
    error: record.error,
    failedStep: record.failedStep,
    requestedBy: record.requestedBy,
    createdAt: record.createdAt.toISOString(),
    startedAt: iso(record.startedAt),
    endedAt: iso(record.endedAt),
    attempts: record.attempts,
    steps: [...steps]
      .sort((a, b) => a.position - b.position)
      .map(step => ({
        ...step,
        startedAt: iso(step.startedAt),
        endedAt: iso(step.endedAt),
      })),
  };
}
