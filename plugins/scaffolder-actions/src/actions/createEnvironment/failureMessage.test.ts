import type { OperationStepRecord } from '@docker-env/plugin-docker-env-common';
import { provisioningFailureMessage } from './failureMessage';

const step = (
  name: string,
  status: OperationStepRecord['status'],
  error: string | null = null,
) => ({ name, status, error } as OperationStepRecord);

describe('provisioningFailureMessage', () => {
  it('says what was created has been removed only when the operation was rolled back', () => {
    expect(
      provisioningFailureMessage('shop-dev', {
        status: 'rolled_back',
        failedStep: 'ip',
        error: 'step ip: no IP within 60 s',
        result: null,
        steps: [step('lxc', 'undone'), step('ip', 'failed', 'no IP')],
      }),
    ).toBe(
      'Provisioning shop-dev failed at step ip: step ip: no IP within 60 s. What was created has been removed; fix the cause and run the template again.',
    );
  });

  it('lists what was left behind and says a DELETE removes it (cleanup_required)', () => {
    const message = provisioningFailureMessage('shop-dev', {
      status: 'failed',
      failedStep: 'route',
      error: 'step route: disk full; undo of step lxc: CT locked',
      result: { vmid: 105, leftovers: ['lxc: CT 105 on node pve'] },
      steps: [
        step('lxc', 'failed', 'undo: CT locked'),
        step('start', 'undone'),
        step('route', 'failed', 'disk full'),
      ],
    });
    expect(message).toBe(
      'Provisioning shop-dev failed at step route and was not fully rolled back: step route: disk full; undo of step lxc: CT locked. Left behind: lxc: CT 105 on node pve. The environment is cleanup_required and keeps its name: delete it (the Delete button on its page, or DELETE /environments/shop-dev?confirmName=shop-dev) to remove them, then run the template again.',
    );
    expect(message).not.toContain('has been removed');
  });

  it('says nothing was undone when the operation ended without a rollback', () => {
    expect(
      provisioningFailureMessage('shop-dev', {
        status: 'failed',
        failedStep: null,
        error: 'abandoned after 6 interrupted attempts; leftovers may remain',
        result: null,
        steps: [step('lxc', 'succeeded'), step('start', 'running')],
      }),
    ).toBe(
      'Provisioning shop-dev failed: abandoned after 6 interrupted attempts; leftovers may remain. It was not rolled back: what the steps lxc created may remain; delete the environment (DELETE /environments/shop-dev?confirmName=shop-dev) to remove it before you run the template again.',
    );
    expect(
      provisioningFailureMessage('shop-dev', {
        status: 'failed',
        failedStep: null,
        error: 'plan: no template',
        result: null,
        steps: [],
      }),
    ).toBe(
      'Provisioning shop-dev failed: plan: no template. Nothing was created; fix the cause and run the template again.',
    );
  });
});
