import { describeKilledLifecycle } from '../testing/processes/killedLifecycle';

jest.setTimeout(300_000);

describeKilledLifecycle('sqlite-file');
