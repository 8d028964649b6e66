import { Knex } from 'knex';
import { DatabaseDockerEnvStore, NewEnvironment } from '../store';
import { createStoreTestDatabases } from '@docker-env/lab-testing/backend/databases';
import { QuotaService } from './QuotaService';
import { DEFAULT_QUOTA_KEY } from './QuotaStore';

jest.setTimeout(60_000);

const databases = createStoreTestDatabases();
const OWNER = 'group:default/team-a';
const LIMITS = {
  cpuCores: 4,
  memoryMb: 8192,
  diskGb: 64,
  environments: 3,
  containers: 10,
};

function newEnv(name: string, overrides: Partial<NewEnvironment> = {}) {
  return {
    name,
    owner: OWNER,
    status: 'provisioning' as const,
    size: 'S' as const,
    cpuCores: 1,
    memoryMb: 2048,
    diskGb: 16,
    purpose: '',
    expiresOn: null,
    createdBy: 'user:default/carol',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())('quotas on %s', databaseId => {
  let knex: Knex;
  let store: DatabaseDockerEnvStore;
  const service = new QuotaService(LIMITS, ['group:default/platform-team']);

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    store = await DatabaseDockerEnvStore.create({
      database: { getClient: async () => knex },
    });
  });

  beforeEach(async () => {
    await knex('approval_requests').delete();
    await knex('quotas').delete();
    await knex('operations').delete();
    await knex('environments').delete();
  });

  it('resolves override, then stored default, then configured default', async () => {
    expect(await service.effective(store, OWNER)).toMatchObject({
      quota: LIMITS,
      source: 'config',
    });
    const stored = { ...LIMITS, environments: 7 };
    await store.quotas().setLimits(DEFAULT_QUOTA_KEY, stored, 'user:x');
    expect(await service.effective(store, OWNER)).toMatchObject({
      quota: stored,
      source: 'default',
    });
    await store.quotas().setLimits(OWNER, { ...LIMITS, cpuCores: 9 }, 'u');
    await store.quotas().setLimits(OWNER, { ...LIMITS, cpuCores: 12 }, 'u');
    expect(await service.effective(store, OWNER)).toMatchObject({
      quota: { ...LIMITS, cpuCores: 12 },
      source: 'override',
    });
  });

  it('counts the environments that hold a name, pending approval included', async () => {
    await store.insertEnvironment(newEnv('one'));
    await store.insertEnvironment(
      newEnv('two', { status: 'pending_approval', cpuCores: 2 }),
    );
    await store.insertEnvironment(newEnv('gone', { status: 'deleted' }));
    await store.insertEnvironment(newEnv('nope', { status: 'rejected' }));
    await store.insertEnvironment(newEnv('broke', { status: 'failed' }));
    // an operation left its CT and more behind: they are still there, so they still count
    await store.insertEnvironment(
      newEnv('left', { status: 'cleanup_required', memoryMb: 1024 }),
    );
    await store.insertEnvironment(
      newEnv('other', { owner: 'user:default/bob' }),
    );
    expect(await store.quotas().usage(OWNER)).toEqual({
      cpuCores: 4,
      memoryMb: 5120,
      diskGb: 48,
      environments: 3,
      containers: 0,
    });
  });

  it('decides within and over quota naming every exceeded field', async () => {
    await store.insertEnvironment(newEnv('one', { cpuCores: 3 }));
    const input = {
      owner: OWNER,
      cpuCores: 1,
      memoryMb: 2048,
      diskGb: 16,
      requestedBy: 'user:default/carol',
    };
    expect(await service.check(store, input)).toEqual({ withinQuota: true });
    const over = await service.check(store, {
      ...input,
      cpuCores: 2,
      diskGb: 60,
    });
    expect(over).toEqual({
      withinQuota: false,
      reason:
        'over the quota of group:default/team-a: cpuCores: 5 with this request, quota 4 (3 in use); diskGb: 76 with this request, quota 64 (16 in use)',
    });
  });

  it('records requests and decides each once', async () => {
    const env = await store.insertEnvironment(
      newEnv('held', { status: 'pending_approval' }),
    );
    const request = await service.holdForApproval(store, env, 'over');
    expect(request).toMatchObject({
      environment: 'held',
      owner: OWNER,
      requestedBy: 'user:default/carol',
      status: 'pending',
      quotaReason: 'over',
      cpuCores: 1,
    });
    expect(await store.quotas().listRequests('pending')).toHaveLength(1);
    await store.quotas().decideRequest(request.id, {
      status: 'rejected',
      decidedBy: 'user:default/root',
      reason: 'no',
    });
    await store.quotas().decideRequest(request.id, {
      status: 'approved',
      decidedBy: 'user:default/other',
      reason: null,
    });
    expect(await store.quotas().getRequest(request.id)).toMatchObject({
      status: 'rejected',
      decidedBy: 'user:default/root',
      reason: 'no',
    });
    expect(await store.quotas().listRequests('pending')).toHaveLength(0);
  });

  it('check and reservation are one transaction: 20 concurrent creates, exactly the quota within', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async tx => {
          const decision = await service.check(tx, {
            owner: OWNER,
            cpuCores: 1,
            memoryMb: 512,
            diskGb: 8,
            requestedBy: 'user:default/carol',
          });
          await tx.insertEnvironment(
            newEnv(`race${i}`, {
              status: decision.withinQuota
                ? 'provisioning'
                : 'pending_approval',
              memoryMb: 512,
              diskGb: 8,
            }),
          );
          return decision.withinQuota;
        }),
      ),
    );
    expect(results.every(r => r.status === 'fulfilled')).toBe(true);
    const within = results.filter(
      r => r.status === 'fulfilled' && r.value,
    ).length;
    expect(within).toBe(LIMITS.environments);
    const [{ n }] = await knex('environments')
      .where({ status: 'provisioning' })
      .count({ n: '*' });
    expect(Number(n)).toBe(LIMITS.environments);
  });
});
