import { describeKilledLifecycle } from '@docker-env/lab-testing/backend/processes/killedLifecycle';

jest.setTimeout(300_000);

describeKilledLifecycle('sqlite-file');
