import { environmentPatchFor } from './environmentRecord';
import { OperationRecord } from './types';

const operation = (change: Partial<OperationRecord>): OperationRecord => ({
  id: 'op-1',
  environmentId: 'env-1',
  kind: 'provision',
  status: 'succeeded',
  input: {},
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

describe('environmentPatchFor', () => {
  it('a provisioning or restore that left resources behind ends cleanup_required listing them, with its facts', () => {
    const left = (kind: 'provision' | 'restore', status: 'failed') =>
      environmentPatchFor(
        operation({
          kind,
          status,
          failedStep: 'portainer',
          error:
            'step portainer: timed out after 1000 ms; undo of step lxc: CT is locked',
          result: {
            vmid: 105,
            node: 'pve',
            leftovers: ['lxc: CT 105 on node pve'],
          },
        }),
      );
    expect(left('provision', 'failed')).toEqual({
      status: 'cleanup_required',
      statusReason:
        'provision failed and left lxc: CT 105 on node pve (step portainer: timed out after 1000 ms; undo of step lxc: CT is locked); DELETE the environment to remove them',
      facts: {
        vmid: 105,
        node: 'pve',
        leftovers: ['lxc: CT 105 on node pve'],
      },
    });
    expect(left('restore', 'failed')?.status).toBe('cleanup_required');
    // nothing listed: the name is freed as before
    expect(
      environmentPatchFor(
        operation({ status: 'failed', error: 'plan: no config' }),
      )?.status,
    ).toBe('failed');
    expect(
      environmentPatchFor(
        operation({ status: 'rolled_back', error: 'step lxc: no space' }),
      )?.status,
    ).toBe('failed');
  });

  it('a lifecycle operation with leftovers returns to where it started (it still holds everything)', () => {
    expect(
      environmentPatchFor(
        operation({
          kind: 'pause',
          status: 'failed',
          error: 'step shutdown: x; undo of step stop-containers: y',
          input: { previousStatus: 'ready' },
          result: { leftovers: ['stop-containers: what step made'] },
        }),
      )?.status,
    ).toBe('ready');
  });

  it('a failed delete returns the environment to the status it started from (paused stays paused)', () => {
    const failed = (previousStatus?: string) =>
      environmentPatchFor(
        operation({
          kind: 'delete',
          status: 'failed',
          error: 'vzdump: storage offline',
          input: previousStatus ? { previousStatus } : {},
        }),
      );
    expect(failed('paused')).toEqual({
      status: 'paused',
      statusReason: 'delete failed: vzdump: storage offline',
    });
    expect(failed('ready')?.status).toBe('ready');
    expect(failed()?.status).toBe('ready');
    expect(failed('no-such-status')?.status).toBe('ready');
  });

  it('a delete that failed after it took something away stays deleting, so a retry finishes it', () => {
    const failedAt = (failedStep: string) =>
      environmentPatchFor(
        operation({
          kind: 'delete',
          status: 'rolled_back',
          failedStep,
          error: `step ${failedStep}: Proxmox answered 500`,
          input: { previousStatus: 'ready' },
        }),
      );
    expect(failedAt('lxc')).toEqual({
      status: 'deleting',
      statusReason:
        'delete stopped at step lxc: Proxmox answered 500; delete again to finish it',
    });
    expect(failedAt('routes')?.status).toBe('deleting');
    // the final backup takes nothing away
    expect(failedAt('final-backup')).toEqual({
      status: 'ready',
      statusReason:
        'delete rolled back: step final-backup: Proxmox answered 500',
    });
  });

  it('makes a provisioned environment ready with what provisioning learnt', () => {
    const result = {
      vmid: 101,
      node: 'pve1',
      url: 'https://test-project.example.com',
      portainerUrl: 'https://portainer.example.com/#!/3/docker/dashboard',
      ip: '10.0.0.5',
    };
    expect(environmentPatchFor(operation({ result }))).toEqual({
      status: 'ready',
      statusReason: null,
      facts: result,
      vmid: 101,
      node: 'pve1',
      url: 'https://test-project.example.com',
      portainerUrl: 'https://portainer.example.com/#!/3/docker/dashboard',
    });
  });

  it('fails a provisioning that did not succeed, with the step and the reason', () => {
    expect(
      environmentPatchFor(
        operation({
          status: 'rolled_back',
          error: 'step portainer: Portainer answered 500',
        }),
      ),
    ).toEqual({
      status: 'failed',
      statusReason:
        'provision rolled back: step portainer: Portainer answered 500',
    });
  });

  it('leaves a lifecycle operation that did not succeed in the state it started from', () => {
    expect(
      environmentPatchFor(
        operation({ kind: 'pause', status: 'failed', error: 'step stop: x' }),
      ),
    ).toMatchObject({ status: 'ready' });
    expect(
      environmentPatchFor(operation({ kind: 'resume', status: 'succeeded' })),
    ).toEqual({ status: 'ready', statusReason: null });
    expect(
      environmentPatchFor(operation({ kind: 'snapshot_create' })),
    ).toBeUndefined();
  });
});
