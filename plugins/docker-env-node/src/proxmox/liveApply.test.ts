import {
  appliesLive,
  LXC_FASTPLUG_OPTIONS,
  LXC_HOTPLUG_OPTIONS,
} from '@docker-env/lab';
import { PVE_LIVE_APPLY, whenConfigApplies } from './liveApply';

describe('what applies live on a CT (pve-container src/PVE/LXC/Config.pm)', () => {
  it('is the same table in the product and in the lab', () => {
    expect([...PVE_LIVE_APPLY.fastplug]).toEqual(LXC_FASTPLUG_OPTIONS);
    expect(LXC_HOTPLUG_OPTIONS.map(re => re.source)).toEqual(
      PVE_LIVE_APPLY.hotplug.map(k => `^${k.replace(/N$/, '\\d+')}$`),
    );
    for (const key of [
      'cores',
      'memory',
      'swap',
      'cpulimit',
      'net0',
      'ostype',
      'features',
      'mp0',
    ]) {
      expect(whenConfigApplies(key, { running: true }) === 'live').toBe(
        appliesLive(key, {}),
      );
      expect(
        whenConfigApplies(key, { running: true, keySet: true }) === 'live',
      ).toBe(appliesLive(key, { [key]: 'x' }));
    }
  });

  it('applies resources live on a running CT and everything at the next start of a stopped one', () => {
    expect(whenConfigApplies('cores', { running: true })).toBe('live');
    expect(whenConfigApplies('memory', { running: true })).toBe('live');
    expect(whenConfigApplies('ostype', { running: true })).toBe('next-start');
    expect(whenConfigApplies('mp0', { running: true, keySet: true })).toBe(
      'next-start',
    );
    expect(whenConfigApplies('cores', { running: false })).toBe('next-start');
  });
});
