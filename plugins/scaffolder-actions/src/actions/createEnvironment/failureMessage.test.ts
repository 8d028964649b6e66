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
        steps: [step('lxc', 'undone'), step('ip', 'failed', 'no IP')],
      }),
    ).toBe(
      'Provisioning shop-dev failed at step ip: step ip: no IP within 60 s. What was created has been removed; fix the cause and run the template again.',
    );
  });

  it('names the steps whose undo failed and says what may remain', () => {
    const message = provisioningFailureMessage('shop-dev', {
      status: 'failed',
      failedStep: 'route',
      error: 'step route: disk full; undo of step lxc: CT locked',
      steps: [
        step('lxc', 'failed', 'undo: CT locked'),
        step('start', 'undone'),
        step('route', 'failed', 'disk full'),
      ],
    });
    expect(message).toBe(
      'Provisioning shop-dev failed at step route and its undo failed too: step route: disk full; undo of step lxc: CT locked. What the steps lxc created may remain in Proxmox, Portainer, NetBox or Traefik: ask an administrator to remove it (the reconciler flags it as an orphan) before you run the template again.',
    );
    expect(message).not.toContain('has been removed');
  });

  it('says nothing was undone when the operation ended without a rollback', () => {
    expect(
      provisioningFailureMessage('shop-dev', {
        status: 'failed',
        failedStep: null,
        error: 'abandoned after 6 interrupted attempts; leftovers may remain',
        steps: [step('lxc', 'succeeded'), step('start', 'running')],
      }),
    ).toBe(
      'Provisioning shop-dev failed: abandoned after 6 interrupted attempts; leftovers may remain. It was not rolled back: what the steps lxc created may remain; ask an administrator to remove it before you run the template again.',
    );
    expect(
      provisioningFailureMessage('shop-dev', {
        status: 'failed',
        failedStep: null,
        error: 'plan: no template',
        steps: [],
      }),
    ).toBe(
      'Provisioning shop-dev failed: plan: no template. Nothing was created; fix the cause and run the template again.',
    );
  });
});
