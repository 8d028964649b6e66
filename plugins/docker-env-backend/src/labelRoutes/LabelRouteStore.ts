import type { Knex } from 'knex';
import { parseTimestamp } from '../store/rows';

const TABLE = 'label_routes';

/** Where a container's label route stands. */
export type LabelRouteState =
  | 'none'
  | 'routed'
  | 'stopped'
  | 'refused'
  | 'conflict'
  | 'unrouted';

/** One container the label-route subscriber has seen. */
export interface LabelRouteRecord {
  environmentId: string;
  containerId: string;
  containerName: string;
  firstSeenAt: Date;
  claim: string | null;
  state: LabelRouteState;
  routeId: string | null;
  problem: string | null;
  reportedKey: string | null;
}

/** The fields {@link LabelRouteStore.update} changes. */
export type LabelRouteChanges = Partial<
  Pick<
    LabelRouteRecord,
    'containerName' | 'claim' | 'state' | 'routeId' | 'problem' | 'reportedKey'
  >
>;

/** The label routes of containers (`label_routes`), on SQLite and PostgreSQL. */
export interface LabelRouteStore {
  /** The container's record, made when first seen at `seenAt` (an existing one keeps its first-seen time). */
  seen(
    environmentId: string,
    containerId: string,
    containerName: string,
    seenAt: Date,
  ): Promise<LabelRouteRecord>;
  get(
    environmentId: string,
    containerId: string,
  ): Promise<LabelRouteRecord | undefined>;
  update(
    environmentId: string,
    containerId: string,
    changes: LabelRouteChanges,
  ): Promise<void>;
  /** The containers that claim `claim` (not refused), first seen first, then by id: the first one holds it. */
  claimants(environmentId: string, claim: string): Promise<LabelRouteRecord[]>;
  /** Every container of the environment the subscriber knows, by name. */
  list(environmentId: string): Promise<LabelRouteRecord[]>;
  /** Forgets a destroyed container. */
  remove(environmentId: string, containerId: string): Promise<void>;
}

interface Row {
  environment_id: string;
  container_id: string;
  container_name: string;
  first_seen_at: unknown;
  claim: string | null;
  state: LabelRouteState;
  route_id: string | null;
  problem: string | null;
  reported_key: string | null;
}

function toRecord(row: Row): LabelRouteRecord {
  return {
    environmentId: row.environment_id,
    containerId: row.container_id,
    containerName: row.container_name,
    firstSeenAt: parseTimestamp(row.first_seen_at)!,
    claim: row.claim,
    state: row.state,
    routeId: row.route_id,
    problem: row.problem,
    reportedKey: row.reported_key,
  };
}

const COLUMNS: Record<keyof LabelRouteChanges, keyof Row> = {
  containerName: 'container_name',
  claim: 'claim',
  state: 'state',
  routeId: 'route_id',
  problem: 'problem',
  reportedKey: 'reported_key',
};

/** The knex {@link LabelRouteStore}. */
export class DatabaseLabelRouteStore implements LabelRouteStore {
  constructor(private readonly db: Knex) {}

  async seen(
    environmentId: string,
    containerId: string,
    containerName: string,
    seenAt: Date,
  ): Promise<LabelRouteRecord> {
    await this.db(TABLE)
      .insert({
        environment_id: environmentId,
        container_id: containerId,
        container_name: containerName,
        first_seen_at: seenAt,
        claim: null,
        state: 'none',
        updated_at: new Date(),
      })
      .onConflict(['environment_id', 'container_id'])
      .merge({ container_name: containerName });
    return (await this.get(environmentId, containerId))!;
  }

  async get(environmentId: string, containerId: string) {
    const row: Row | undefined = await this.db(TABLE)
      .where({ environment_id: environmentId, container_id: containerId })
      .first();
    return row ? toRecord(row) : undefined;
  }

  async update(
    environmentId: string,
    containerId: string,
    changes: LabelRouteChanges,
  ): Promise<void> {
    const patch: Record<string, unknown> = { updated_at: new Date() };
    for (const [key, value] of Object.entries(changes))
      patch[COLUMNS[key as keyof LabelRouteChanges]] = value;
    await this.db(TABLE)
      .where({ environment_id: environmentId, container_id: containerId })
      .update(patch);
  }

  async claimants(environmentId: string, claim: string) {
    const rows: Row[] = await this.db(TABLE)
      .where({ environment_id: environmentId, claim })
      .whereNot('state', 'refused')
      .orderBy([{ column: 'first_seen_at' }, { column: 'container_id' }]);
    return rows.map(toRecord);
  }

  async list(environmentId: string) {
    const rows: Row[] = await this.db(TABLE)
      .where({ environment_id: environmentId })
      .orderBy([{ column: 'container_name' }, { column: 'container_id' }]);
    return rows.map(toRecord);
  }

  async remove(environmentId: string, containerId: string): Promise<void> {
    await this.db(TABLE)
      .where({ environment_id: environmentId, container_id: containerId })
      .delete();
  }
}
