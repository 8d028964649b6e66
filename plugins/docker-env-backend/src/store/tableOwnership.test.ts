import fs from 'node:fs';
import path from 'node:path';

/**
 * Every table belongs to one store: only that store's file queries it, and only the plugin's store asks the database
 * service for its client. A static scan of the shipped sources (tests and test helpers may read tables directly).
 */

const SRC = path.resolve(__dirname, '..');
const MIGRATIONS = path.resolve(__dirname, '../../migrations');

/** The one file that queries each table. */
const OWNERS: Record<string, string> = {
  environments: 'store/DatabaseDockerEnvStore.ts',
  idempotency_keys: 'store/IdempotencyStore.ts',
  operations: 'operations/DatabaseOperationStore.ts',
  operation_steps: 'operations/DatabaseOperationStore.ts',
  quotas: 'quotas/QuotaStore.ts',
  approval_requests: 'quotas/QuotaStore.ts',
  deploy_tokens: 'tokens/DeployTokenStore.ts',
  deployment_secrets: 'secrets/DeploymentSecretStore.ts',
  snapshots: 'snapshots/SnapshotStore.ts',
  final_backups: 'backups/FinalBackupStore.ts',
  drift_flags: 'reconciler/DriftFlags.ts',
  expiry_warnings: 'expiry/ExpiryWarningStore.ts',
  deliveries: 'notifications/DeliveryStore.ts',
  audit_events: 'audit/AuditStore.ts',
  watch_leases: 'watcher/WatchLeaseStore.ts',
  label_routes: 'labelRoutes/LabelRouteStore.ts',
  alert_incidents: 'alerts/IncidentStore.ts',
  alert_rules: 'alerts/AlertRuleStore.ts',
};

/** Sources that ship: not tests, not the helpers that only tests import. */
function shippedSources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory())
      return ['testing', '__testUtils__'].includes(entry.name)
        ? []
        : shippedSources(file);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
      ? [file]
      : [];
  });
}

/** The tables the migrations create. */
function migratedTables(): string[] {
  return fs
    .readdirSync(MIGRATIONS)
    .filter(f => f.endsWith('.js'))
    .flatMap(f =>
      [
        ...fs
          .readFileSync(path.join(MIGRATIONS, f), 'utf8')
          .matchAll(/createTable\(\s*'(\w+)'/g),
      ].map(m => m[1]),
    );
}

/**
 * The places `text` names `table` where knex would query it: a call with the table as its first argument
 * (`db('t')`, `trx<Row>('t')`, `.join('t as x', ...)`, `.from('t')`), or a constant holding the name (`TABLE = 't'`).
 */
function tableQueries(text: string, table: string): string[] {
  const name = `['"\`]${table}(?:\\s+as\\s+\\w+)?['"\`]`;
  const patterns = [
    new RegExp(`[\\w>]\\(\\s*${name}\\s*[,)]`, 'g'),
    new RegExp(`\\b[A-Z_]+\\s*=\\s*${name}`, 'g'),
  ];
  return patterns.flatMap(p => [...text.matchAll(p)].map(m => m[0]));
}

describe('table ownership', () => {
  const sources = shippedSources().map(file => ({
    file: path.relative(SRC, file).split(path.sep).join('/'),
    text: fs.readFileSync(file, 'utf8'),
  }));

  it('knows an owning store for every table the migrations create', () => {
    const tables = migratedTables();
    expect(tables.length).toBeGreaterThan(10);
    expect(tables.filter(t => !OWNERS[t])).toEqual([]);
  });

  it.each(Object.entries(OWNERS))(
    "only %s's store (%s) queries it",
    (table, owner) => {
      const queriedBy = sources
        .filter(s => tableQueries(s.text, table).length > 0)
        .map(s => s.file);
      expect(queriedBy).toEqual([owner]);
    },
  );

  it('asks the database service for its client in one place', () => {
    const callers = sources
      .filter(s => /\.getClient\(\)/.test(s.text))
      .map(s => s.file);
    expect(callers).toEqual(['store/DatabaseDockerEnvStore.ts']);
  });

  it('recognises the knex calls it looks for', () => {
    expect(
      tableQueries(`await this.db('operations').where()`, 'operations'),
    ).toHaveLength(1);
    expect(tableQueries(`trx<Row>("operations")`, 'operations')).toHaveLength(
      1,
    );
    expect(
      tableQueries(`.join('environments as e', 'e.id', 'r.x')`, 'environments'),
    ).toHaveLength(1);
    expect(
      tableQueries(`const TABLE = 'deploy_tokens';`, 'deploy_tokens'),
    ).toHaveLength(1);
    expect(tableQueries(`status: 'operations'`, 'operations')).toEqual([]);
    expect(tableQueries(`'operations.status'`, 'operations')).toEqual([]);
  });
});
