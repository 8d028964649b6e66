import { LabControl } from './LabControl';

describe('LabControl', () => {
  it('hits exactly the nth call of an operation', () => {
    const control = new LabControl();
    control.injectFault({ operation: 'op', nth: 2, action: { kind: 'hang' } });
    expect(control.enter('op')).toBeUndefined();
    expect(control.enter('other')).toBeUndefined();
    expect(control.enter('op')).toEqual({ kind: 'hang' });
    expect(control.enter('op')).toBeUndefined();
    expect(control.callCount('op')).toBe(3);
  });

  it('scales latencies and can make the lab instant', () => {
    const control = new LabControl({ clone: 3000 }, 0.5);
    expect(control.latencyOf('clone')).toBe(1500);
    control.setLatencyScale(0);
    expect(control.latencyOf('clone')).toBe(0);
  });

  it('hits a run of calls with times', () => {
    const control = new LabControl();
    control.injectFault({
      operation: 'op',
      times: 2,
      action: { kind: 'fail', status: 500 },
    });
    expect(control.enter('op')).toMatchObject({ kind: 'fail' });
    expect(control.enter('op')).toMatchObject({ kind: 'fail' });
    expect(control.enter('op')).toBeUndefined();
  });
});
