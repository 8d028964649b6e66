import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { OperationRecord } from '../runner';
import { lifecycleNotice } from './notices';

const environment = {
  id: 'env-1',
  name: 'shop',
  owner: 'user:default/alice',
  status: 'ready',
  url: 'https://shop.docker.example.com',
} as Environment;

const operation = (change: Partial<OperationRecord>): OperationRecord => ({
  id: 'op-1',
  environmentId: 'env-1',
  kind: 'snapshot_create',
  status: 'succeeded',
  input: { snapshotName: 'snap-1' },
  result: null,
  error: null,
  failedStep: null,
  requestedBy: 'user:default/alice',
  createdAt: new Date(),
  startedAt: new Date(),
  endedAt: new Date(),
  claimedBy: 'a',
  claimExpiresAt: null,
  attempts: 1,
  ...change,
});

describe('lifecycleNotice', () => {
  it('tells the owner a snapshot was taken, naming it', () => {
    expect(lifecycleNotice(operation({}), environment)).toMatchObject({
      event: 'environment.snapshot_create.succeeded',
      environment,
      operationId: 'op-1',
      title: 'shop was snapshotted',
      description:
        'Your Docker environment shop was snapshotted (snapshot snap-1).',
      link: 'https://shop.docker.example.com',
    });
  });

  it('tells the owner a rollback failed, with the step and the error', () => {
    const notice = lifecycleNotice(
      operation({
        kind: 'snapshot_rollback',
        status: 'rolled_back',
        failedStep: 'rollback',
        error: 'snapshot not found',
      }),
      environment,
    );
    expect(notice?.event).toBe('environment.snapshot_rollback.failed');
    expect(notice?.severity).toBe('high');
    expect(notice?.description).toBe(
      'The snapshot rollback of shop (snapshot snap-1) failed at step rollback: snapshot not found. The environment is ready; retry once the cause is fixed.',
    );
  });

  it('says nothing for operations that have their own notice or have not ended', () => {
    for (const kind of ['provision', 'deploy', 'snapshot_delete'] as const)
      expect(lifecycleNotice(operation({ kind }), environment)).toBeUndefined();
    expect(
      lifecycleNotice(
        operation({ kind: 'pause', status: 'running' }),
        environment,
      ),
    ).toBeUndefined();
  });
});
