import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  anEnvironment,
  anOperation,
  mockDockerEnvApi,
  findEnabledButton,
  renderForEntity,
} from '../../testUtils';
import { ActivityContent } from './ActivityContent';
import { ContainersContent } from './ContainersContent';
import { SnapshotsContent } from './SnapshotsContent';
import { POLL_MS } from './useEnvironment';

jest.setTimeout(20000);

describe('ContainersContent', () => {
  it('shows state and health and reads the logs of one container', async () => {
    const api = mockDockerEnvApi({
      listContainers: async () => [
        {
          id: 'c1',
          name: 'web',
          image: 'nginx:1.27',
          state: 'running',
          health: 'healthy',
        },
        {
          id: 'c2',
          name: 'worker',
          image: 'busybox',
          state: 'exited',
          health: 'none',
        },
      ],
      getContainerLogs: async () => 'listening on :8080',
    });
    await renderForEntity(<ContainersContent />, api);
    expect(await screen.findByText('healthy')).toBeInTheDocument();
    expect(screen.getByText('exited')).toBeInTheDocument();
    expect(screen.getByText('no health check')).toBeInTheDocument();
    fireEvent.click(screen.getAllByRole('button', { name: 'Show logs' })[0]);
    expect(await screen.findByText('Logs of web')).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getContainerLogs).toHaveBeenCalledWith('demo', 'web', 500),
    );
  });

  it('says when the containers cannot be listed', async () => {
    const api = mockDockerEnvApi({
      listContainers: async () => {
        throw new Error('Portainer did not answer');
      },
    });
    await renderForEntity(<ContainersContent />, api);
    expect(
      (await screen.findAllByText(/Portainer did not answer/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('SnapshotsContent', () => {
  const polling = { ...POLL_MS };
  afterEach(() => Object.assign(POLL_MS, polling));

  const snapshots = [
    {
      name: 'snap-1',
      description: 'before upgrade',
      createdAt: '2026-11-30T10:00:00Z',
      origin: 'portal' as const,
      inProxmox: true,
    },
  ];

  it('creates a snapshot with a description', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listSnapshots: async () => snapshots,
      listOperations: async () => [],
      createSnapshot: async () => anOperation({ kind: 'snapshot_create' }),
    });
    await renderForEntity(<SnapshotsContent />, api);
    fireEvent.click(await findEnabledButton('Create snapshot'));
    expect(screen.getByText('before upgrade')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Description'), {
      target: { value: 'nightly' },
    });
    fireEvent.click(
      screen.getAllByRole('button', { name: 'Create snapshot' }).pop()!,
    );
    await waitFor(() =>
      expect(api.createSnapshot).toHaveBeenCalledWith('demo', 'nightly'),
    );
  });

  it('follows a running snapshot operation until the snapshot is listed', async () => {
    POLL_MS.changing = 50;
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
    });
    api.listSnapshots.mockResolvedValueOnce([]).mockResolvedValue(snapshots);
    api.listOperations
      .mockResolvedValueOnce([
        anOperation({ kind: 'snapshot_create', status: 'running' }),
      ])
      .mockResolvedValue([
        anOperation({ kind: 'snapshot_create', status: 'succeeded' }),
      ]);
    await renderForEntity(<SnapshotsContent />, api);
    expect(
      await screen.findByText('snapshot create running…'),
    ).toBeInTheDocument();
    expect(await screen.findByText('before upgrade')).toBeInTheDocument();
    expect(screen.queryByText('snapshot create running…')).toBeNull();
  });

  it('rolls back and deletes after the snapshot name is typed', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listSnapshots: async () => snapshots,
      listOperations: async () => [],
      rollbackSnapshot: async () => anOperation({ kind: 'snapshot_rollback' }),
      deleteSnapshot: async () => anOperation({ kind: 'snapshot_delete' }),
    });
    await renderForEntity(<SnapshotsContent />, api);
    fireEvent.click(await findEnabledButton('Roll back'));
    const confirm = screen.getAllByRole('button', { name: 'Roll back' }).pop()!;
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Snapshot name'), {
      target: { value: 'snap-1' },
    });
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(api.rollbackSnapshot).toHaveBeenCalledWith('demo', 'snap-1'),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    fireEvent.change(screen.getByLabelText('Snapshot name'), {
      target: { value: 'snap-1' },
    });
    fireEvent.click(screen.getAllByRole('button', { name: 'Delete' }).pop()!);
    await waitFor(() =>
      expect(api.deleteSnapshot).toHaveBeenCalledWith('demo', 'snap-1'),
    );
  });

  it('disables the snapshot actions when the user may not change the environment', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listSnapshots: async () => snapshots,
      listOperations: async () => [],
    });
    await renderForEntity(<SnapshotsContent />, api, { allow: false });
    await screen.findByText('before upgrade');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Create snapshot' }),
      ).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Roll back' })).toBeDisabled();
  });
});

describe('ActivityContent', () => {
  it('lists operations with their steps and timings, and the audit events', async () => {
    const api = mockDockerEnvApi({
      listOperations: async () => [
        anOperation({
          kind: 'provision',
          status: 'succeeded',
          startedAt: '2026-11-30T10:00:00.000Z',
          endedAt: '2026-11-30T10:00:42.500Z',
          steps: [
            {
              position: 0,
              name: 'lxc',
              status: 'succeeded',
              startedAt: '2026-11-30T10:00:00.000Z',
              endedAt: '2026-11-30T10:00:12.000Z',
              facts: {},
              error: null,
            },
          ],
        }),
      ],
      listAuditEvents: async () => [
        {
          id: 1,
          actor: 'user:default/alice',
          action: 'environment.pause',
          target: 'shop',
          environmentId: 'env-1',
          at: '2026-11-30T11:00:00.000Z',
          result: 'succeeded',
          reason: null,
          requestId: null,
          details: {},
        },
      ],
    });
    await renderForEntity(<ActivityContent />, api);
    expect(await screen.findByText('provision')).toBeInTheDocument();
    expect(screen.getByText('42.5 s')).toBeInTheDocument();
    expect(await screen.findByText('environment.pause')).toBeInTheDocument();
    expect(api.listAuditEvents).toHaveBeenCalledWith({ environment: 'demo' });
    fireEvent.click(screen.getByRole('button', { name: /detail panel/i }));
    expect(await screen.findByText('lxc')).toBeInTheDocument();
    expect(screen.getByText('12.0 s')).toBeInTheDocument();
  });
});
