import { sharedDatabaseKinds } from '@docker-env/lab-testing/backend/processes/databaseFixture';
import { describeKilledLifecycle } from '@docker-env/lab-testing/backend/processes/killedLifecycle';

jest.setTimeout(300_000);

if (sharedDatabaseKinds().includes('postgres'))
  describeKilledLifecycle('postgres');
else
  it.todo(
    'a backend killed during a lifecycle operation on PostgreSQL (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)',
  );
