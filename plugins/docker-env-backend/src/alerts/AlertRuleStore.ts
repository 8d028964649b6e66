import type { AlertRules } from '@docker-env/plugin-docker-env-common';
import type { Knex } from 'knex';
import { parseTimestamp, readJson } from '../store/rows';

/** An environment's stored rules (the owner set them) and who did. */
export interface StoredAlertRules {
  rules: AlertRules;
  updatedBy: string;
  updatedAt: string;
}

/** The `alert_rules` table: one row per environment whose owner changed its rules (others follow the defaults). */
export interface AlertRuleStore {
  get(environmentId: string): Promise<StoredAlertRules | undefined>;
  /** The stored rules of these environments, by id. */
  getMany(environmentIds: string[]): Promise<Map<string, StoredAlertRules>>;
  put(environmentId: string, rules: AlertRules, by: string): Promise<void>;
}

interface RuleRow {
  environment_id: string;
  rules: string;
  silenced_until: unknown;
  updated_by: string;
  updated_at: unknown;
}

const TABLE = 'alert_rules';

function toStored(row: RuleRow): StoredAlertRules {
  const rules = readJson<Omit<AlertRules, 'silencedUntil'>>(
    row.rules,
    {} as any,
  );
  const until = parseTimestamp(row.silenced_until);
  return {
    rules: { ...rules, silencedUntil: until ? until.toISOString() : null },
    updatedBy: row.updated_by,
    updatedAt: parseTimestamp(row.updated_at)!.toISOString(),
  };
}

/** The knex implementation of {@link AlertRuleStore}. */
export class DatabaseAlertRuleStore implements AlertRuleStore {
  constructor(private readonly db: Knex) {}

  async get(environmentId: string) {
    const row: RuleRow | undefined = await this.db(TABLE)
      .where({ environment_id: environmentId })
      .first();
    return row ? toStored(row) : undefined;
  }

  async getMany(environmentIds: string[]) {
    const out = new Map<string, StoredAlertRules>();
    for (let i = 0; i < environmentIds.length; i += 500) {
      const rows: RuleRow[] = await this.db(TABLE).whereIn(
        'environment_id',
        environmentIds.slice(i, i + 500),
      );
      for (const row of rows) out.set(row.environment_id, toStored(row));
    }
    return out;
  }

  async put(environmentId: string, rules: AlertRules, by: string) {
    const { silencedUntil, ...rest } = rules;
    const row = {
      rules: JSON.stringify(rest),
      silenced_until: silencedUntil ? new Date(silencedUntil) : null,
      updated_by: by,
      updated_at: new Date(),
    };
    await this.db(TABLE)
      .insert({ environment_id: environmentId, ...row })
      .onConflict('environment_id')
      .merge(row);
  }
}
