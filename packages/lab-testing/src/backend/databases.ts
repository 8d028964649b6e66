import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * The databases every store test runs on: SQLite, plus the PostgreSQL 15 the test services export in
 * `BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`. Under CI (`CI` set) a missing PostgreSQL fails the run
 * instead of quietly testing SQLite alone.
 */
export function storeTestDatabaseIds(): TestDatabaseId[] {
  if (process.env[POSTGRES_ENV]) return ['SQLITE_3', 'POSTGRES_15'];
  if (process.env.CI) {
    throw new Error(
      `${POSTGRES_ENV} is not set: under CI the store tests must run on PostgreSQL as well as SQLite`,
    );
  }
  return ['SQLITE_3'];
}

/** Creates the {@link TestDatabases} for a store test file (call at the top level of the file). */
export function createStoreTestDatabases(): TestDatabases {
  return TestDatabases.create({ ids: storeTestDatabaseIds() });
}
