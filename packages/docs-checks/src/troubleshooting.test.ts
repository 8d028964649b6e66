import { DRIFT_KINDS } from '@docker-env/plugin-docker-env-backend';
import {
  buildLifecycleSteps,
  lifecycleConfig,
  type LifecycleDeps,
  PROVISION_STEP_NAMES,
} from '@docker-env/plugin-docker-env-workflows-node';
import { parseDocument } from './markdown';

/** The names a heading pattern of the troubleshooting guide covers, e.g. "Provisioning fails at step lxc". */
function covered(headings: string[], pattern: RegExp): string[] {
  return headings.flatMap(h => {
    const m = h.match(pattern);
    return m ? [m[1]] : [];
  });
}

describe('docs/troubleshooting.md', () => {
  const { headings } = parseDocument('docs/troubleshooting.md');

  it('has one entry per provisioning step, named as the code names it', () => {
    const steps = covered(headings, /^Provisioning fails at step (\S+)$/);
    expect(steps).toEqual([...PROVISION_STEP_NAMES]);
  });

  it('has one entry per step of an ownership transfer, named as the code names it', () => {
    const steps = covered(headings, /^Transfer fails at step (\S+)$/);
    const config = lifecycleConfig({
      backupStorage: 'backup',
      pausedRoute: { service: 'paused@file' },
    });
    expect(steps).toEqual(
      buildLifecycleSteps('transfer', {} as LifecycleDeps, config).map(
        s => s.name,
      ),
    );
  });

  it('has one entry per drift-flag kind of the reconciler', () => {
    const kinds = covered(headings, /^Drift flag (\S+)/);
    expect([...kinds].sort()).toEqual([...DRIFT_KINDS].sort());
  });
});
