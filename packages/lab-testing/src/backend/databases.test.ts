import { storeTestDatabaseIds } from './databases';

describe('storeTestDatabaseIds', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('gives SQLite and the exported PostgreSQL', () => {
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING =
      'postgresql://u:p@127.0.0.1:25432';
    expect(storeTestDatabaseIds()).toEqual(['SQLITE_3', 'POSTGRES_15']);
  });

  it('fails under CI when PostgreSQL is missing', () => {
    delete process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    process.env.CI = 'true';
    expect(() => storeTestDatabaseIds()).toThrow(/must run on PostgreSQL/);
  });

  it('tests SQLite alone outside CI when PostgreSQL is missing', () => {
    delete process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
    delete process.env.CI;
    expect(storeTestDatabaseIds()).toEqual(['SQLITE_3']);
  });
});
