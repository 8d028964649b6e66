import { ResponseError } from '@backstage/errors';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  anEnvironment,
  anOperation,
  findEnabledButton,
  mockDockerEnvApi,
  renderForEntity,
} from '../../../testUtils';
import type { Usage } from '../../../api';
import { USAGE_REFRESH_MS, UsageContent } from './UsageContent';

jest.setTimeout(20000);

// jsdom has no ResizeObserver, which recharts' ResponsiveContainer needs (browsers have it; a plain LineChart of a
// fixed size renders here): its components are stood in by plain elements that show what they were given, so the
// test reads the series and limit lines the tab hands the charts
jest.mock('recharts', () => {
  const pass =
    (kind: string) =>
    ({ children, ...props }: any) =>
      (
        <div data-chart={kind} data-props={JSON.stringify(props)}>
          {children}
        </div>
      );
  return new Proxy({}, { get: (_t, kind: string) => pass(kind) });
});

const MiB = 1024 * 1024;

function aUsage(overrides: Partial<Usage> = {}): Usage {
  return {
    range: 'hour',
    stepSeconds: 60,
    units: { cpu: 'fraction of limits.cpuCores', mem: 'bytes' },
    limits: {
      cpuCores: 2,
      memoryBytes: 4096 * MiB,
      diskBytes: 32 * 1024 * MiB,
    },
    current: {
      status: 'running',
      cpu: 0.45,
      mem: 1024 * MiB,
      disk: 2048 * MiB,
      netin: 10 * MiB,
      netout: 5 * MiB,
      uptime: 600,
    },
    series: [
      { time: 1_800_000_000 },
      { time: 1_800_000_060, cpu: 0.4, mem: 900 * MiB },
    ],
    containers: [
      {
        name: 'web',
        state: 'running',
        cpuPercent: 88.5,
        memoryBytes: 256 * MiB,
        restartCount: 2,
      },
    ],
    readAt: '2027-01-15T08:00:00.000Z',
    paused: false,
    ...overrides,
  };
}

describe('UsageContent', () => {
  const refresh = USAGE_REFRESH_MS.value;
  afterEach(() => {
    USAGE_REFRESH_MS.value = refresh;
  });

  it('draws the current figures against the limits, the containers, and reads again for another range and while open', async () => {
    USAGE_REFRESH_MS.value = 200;
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getUsage: async () => aUsage(),
    });
    await renderForEntity(<UsageContent />, api);
    expect(await screen.findByText('Now 0.9 of 2 cores')).toBeInTheDocument();
    expect(screen.getByText('Now 1024 of 4096 MiB')).toBeInTheDocument();
    expect(screen.getByText('Now 2 of 32 GiB')).toBeInTheDocument();
    expect(screen.getByText('88.5 %')).toBeInTheDocument();
    // the limits as lines, and the series in the charts' units (unknown points left out of the line)
    const limits = [
      ...document.querySelectorAll('[data-chart="ReferenceLine"]'),
    ].map(e => JSON.parse(e.getAttribute('data-props')!).y);
    expect(limits).toEqual([2, 4096, 32]);
    const cpu = JSON.parse(
      document
        .querySelector('[data-chart="LineChart"]')!
        .getAttribute('data-props')!,
    ).data;
    expect(cpu).toEqual([
      { time: 1_800_000_000_000, cpu: undefined },
      { time: 1_800_000_060_000, cpu: 0.8 },
    ]);
    expect(screen.getByText('256 MiB')).toBeInTheDocument();
    expect(api.getUsage).toHaveBeenCalledWith('demo', 'hour');
    // refreshed while open
    await waitFor(() =>
      expect(api.getUsage.mock.calls.length).toBeGreaterThanOrEqual(3),
    );
    fireEvent.mouseDown(screen.getByText('Last hour'));
    fireEvent.click(await screen.findByText('Last week'));
    await waitFor(() =>
      expect(api.getUsage).toHaveBeenCalledWith('demo', 'week'),
    );
  });

  it('shows an empty state while paused', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment({ status: 'paused' }),
      getUsage: async () => aUsage({ paused: true }),
    });
    await renderForEntity(<UsageContent />, api);
    expect(await screen.findByText('demo is paused')).toBeInTheDocument();
    expect(screen.queryByText(/Now .* cores/)).not.toBeInTheDocument();
  });

  it('resizes through the dialog and shows the quota refusal as the backend words it', async () => {
    let refuse = true;
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getUsage: async () => aUsage(),
      resizeEnvironment: async () => {
        if (refuse) {
          refuse = false;
          throw await ResponseError.fromResponse(
            new Response(
              JSON.stringify({
                error: {
                  name: 'ConflictError',
                  message:
                    'over the quota of group:default/team-a: cpuCores: 6 with this resize, quota 4 (2 in use); headroom: cpuCores +2, memoryMb +4096, diskGb +68',
                },
              }),
              { status: 409, headers: { 'Content-Type': 'application/json' } },
            ) as any,
          );
        }
        return {
          environment: anEnvironment({ cpuCores: 4 }),
          operation: anOperation({ kind: 'resize' }),
        };
      },
    });
    await renderForEntity(<UsageContent />, api);
    fireEvent.click(await findEnabledButton('Resize'));
    fireEvent.change(screen.getByLabelText('CPU cores'), {
      target: { value: '6' },
    });
    fireEvent.click(screen.getAllByRole('button', { name: 'Resize' }).pop()!);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'headroom: cpuCores +2',
    );
    fireEvent.change(screen.getByLabelText('CPU cores'), {
      target: { value: '4' },
    });
    fireEvent.click(screen.getAllByRole('button', { name: 'Resize' }).pop()!);
    await waitFor(() =>
      expect(screen.queryByText('Resize demo')).not.toBeInTheDocument(),
    );
    expect(api.resizeEnvironment).toHaveBeenLastCalledWith('demo', {
      cpuCores: 4,
      memoryMb: 4096,
      diskGb: 32,
    });
  });
});
