import { screen, waitFor } from '@testing-library/react';
import { DriftFlag } from '../../api';
import {
  anEnvironment,
  mockDockerEnvApi,
  renderForEntity,
} from '../../testUtils';
import { EnvironmentOverviewCard } from '../entity/EnvironmentOverviewCard';

jest.setTimeout(20000);

/** A drift flag as `GET /environments/{name}/drift` returns it. */
function aDriftFlag(overrides: Partial<DriftFlag> = {}): DriftFlag {
  return {
    id: 1,
    kind: 'ct_stopped',
    resourceKind: 'ct',
    resourceId: '120',
    environmentId: 'env-1',
    environmentName: 'demo',
    detail: 'CT 120 is stopped on pve1',
    firstSeenAt: '2026-12-01T08:00:00.000Z',
    lastSeenAt: '2026-12-01T09:00:00.000Z',
    resolvedAt: null,
    ...overrides,
  };
}

describe('EnvironmentOverviewCard drift notice', () => {
  it('shows each open flag with its kind and detail in words', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getEnvironmentDrift: async () => [
        aDriftFlag(),
        aDriftFlag({
          id: 2,
          kind: 'endpoint_missing',
          resourceKind: 'portainer_endpoint',
          resourceId: '3',
          detail: 'no Portainer environment 3',
        }),
      ],
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(
      await screen.findByText(/The container was stopped outside the portal/),
    ).toHaveTextContent(
      'The container was stopped outside the portal (Proxmox container 120): CT 120 is stopped on pve1',
    );
    expect(
      screen.getByText(/Portainer no longer knows the environment/),
    ).toHaveTextContent(
      '(Portainer environment 3): no Portainer environment 3',
    );
    expect(screen.getByText('Out of line with the portal (2)')).toBeVisible();
    expect(api.getEnvironmentDrift).toHaveBeenCalledWith('demo');
  });

  it('shows the flags to a reader who may not act on the environment', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getEnvironmentDrift: async () => [aDriftFlag({ kind: 'ct_missing' })],
    });
    await renderForEntity(<EnvironmentOverviewCard />, api, { allow: false });
    expect(
      await screen.findByText(/The container is gone from Proxmox/),
    ).toBeInTheDocument();
  });

  it('shows nothing about drift when there is none', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getEnvironmentDrift: async () => [],
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await screen.findByText('Ready');
    await waitFor(() => expect(api.getEnvironmentDrift).toHaveBeenCalled());
    // let the answer land before looking for what it would show
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(screen.queryByText(/Out of line/)).toBeNull();
    expect(screen.queryByText(/Could not check for drift/)).toBeNull();
  });

  it('shows nothing about drift while the flags load', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getEnvironmentDrift: () => new Promise<DriftFlag[]>(() => {}),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await screen.findByText('Ready');
    await waitFor(() => expect(api.getEnvironmentDrift).toHaveBeenCalled());
    expect(screen.queryByText(/Out of line/)).toBeNull();
    expect(screen.queryByText(/Could not check for drift/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Pause' })).toBeInTheDocument();
  });

  it('says in one line why the flags cannot be read and keeps the card', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      getEnvironmentDrift: async () => {
        throw new Error('docker-env is starting');
      },
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(
      await screen.findByText(
        'Could not check for drift: docker-env is starting',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Ready')).toBeInTheDocument();
  });
});
