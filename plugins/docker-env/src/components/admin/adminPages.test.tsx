import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DockerEnvApi, DriftFlag, FinalBackup } from '../../api';
import {
  anEnvironment,
  anOperation,
  mockDockerEnvApi,
  renderWithDockerEnv,
} from '../../testUtils';
import { DockerEnvRoot } from '../DockerEnvRoot';
import { DriftPage } from './DriftPage';
import { FinalBackupsPage, RESTORE_NOT_ALLOWED } from './FinalBackupsPage';

jest.setTimeout(30000);

function render(
  element: JSX.Element,
  api: DockerEnvApi,
  options: { admin?: boolean; path?: string } = {},
) {
  return renderWithDockerEnv(element, api, {
    path: options.path,
    authorize: req =>
      req.permission.name !== 'docker-env.admin' || options.admin
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
  });
}

const flag: DriftFlag = {
  id: 7,
  kind: 'orphan',
  resourceKind: 'ct',
  resourceId: '131',
  environmentId: 'env-9',
  environmentName: 'gone-app',
  detail:
    'CT 131 carries docker-env-env-9, which no ready or paused record holds',
  firstSeenAt: '2026-12-01T08:00:00.000Z',
  lastSeenAt: '2026-12-01T09:30:00.000Z',
  resolvedAt: null,
};

const backup: FinalBackup = {
  id: 'b1',
  environmentId: 'env-4',
  environment: 'old-app',
  owner: 'group:default/team-a',
  volid: 'backup:backup/vzdump-lxc-124-2026_12_01-08_00_00.tar.zst',
  node: 'pve1',
  vmid: 124,
  operationId: 'op-9',
  createdAt: '2026-12-01T08:00:00.000Z',
  expiresAt: '2026-12-31T08:00:00.000Z',
  restoredTo: null,
};

const never = <T,>() => new Promise<T>(() => {});

describe('DriftPage', () => {
  it('lists open flags with environment, resource, kind in words and first/last seen', async () => {
    const api = mockDockerEnvApi({ listDrift: async () => [flag] });
    await render(<DriftPage />, api, { admin: true });
    expect(await screen.findByText('gone-app')).toBeInTheDocument();
    const row = screen.getByText('gone-app').closest('tr')!;
    expect(row).toHaveTextContent('Proxmox container 131');
    expect(row).toHaveTextContent(
      'A resource carries the portal mark but no environment holds it',
    );
    expect(row).toHaveTextContent(flag.detail);
    expect(row).toHaveTextContent(new Date(flag.firstSeenAt).toLocaleString());
    expect(row).toHaveTextContent(new Date(flag.lastSeenAt).toLocaleString());
    expect(api.listDrift).toHaveBeenCalledWith({});
  });

  it('filters by kind', async () => {
    const api = mockDockerEnvApi({
      listDrift: async options =>
        options?.kind === 'ct_stopped'
          ? [{ ...flag, id: 8, kind: 'ct_stopped', environmentName: 'halted' }]
          : [flag],
    });
    await render(<DriftPage />, api, { admin: true });
    await screen.findByText('gone-app');
    fireEvent.mouseDown(screen.getByRole('button', { name: /All kinds/ }));
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByText(
        'The container was stopped outside the portal',
      ),
    );
    expect(await screen.findByText('halted')).toBeInTheDocument();
    expect(screen.queryByText('gone-app')).toBeNull();
    expect(api.listDrift).toHaveBeenLastCalledWith({ kind: 'ct_stopped' });
  });

  it('runs the Portainer team sync now on request', async () => {
    const api = mockDockerEnvApi({
      listDrift: async () => [],
      triggerTeamSync: async () => ({
        triggered: true,
        taskId: 'docker-env-team-sync',
      }),
    });
    await render(<DriftPage />, api, { admin: true });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sync Portainer teams now' }),
    );
    expect(
      await screen.findByText(
        'Team sync started: each change lands in the audit log',
      ),
    ).toBeInTheDocument();
    expect(api.triggerTeamSync).toHaveBeenCalledTimes(1);
  });

  it('shows progress while loading, then says there is no drift', async () => {
    let answer: (flags: DriftFlag[]) => void = () => {};
    const api = mockDockerEnvApi({
      listDrift: () => new Promise(resolve => (answer = resolve)),
    });
    await render(<DriftPage />, api, { admin: true });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    answer([]);
    expect(
      await screen.findByText(
        'No open drift: the records and the systems agree.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the flags cannot be read", async () => {
    const api = mockDockerEnvApi({
      listDrift: async () => {
        throw new Error('not allowed: docker-env.admin');
      },
    });
    await render(<DriftPage />, api, { admin: true });
    expect(
      (await screen.findAllByText(/not allowed: docker-env.admin/)).length,
    ).toBeGreaterThan(0);
  });

  it('is an admin page: a non-admin is told so and nothing is read', async () => {
    const api = mockDockerEnvApi();
    await render(<DockerEnvRoot />, api, { path: '/drift' });
    expect(
      await screen.findByText(/Only docker-env admins can open this page/),
    ).toBeInTheDocument();
    expect(api.listDrift).not.toHaveBeenCalled();
    expect(screen.queryByText('Drift')).toBeNull();
  });

  it('is reached from the admin navigation', async () => {
    const api = mockDockerEnvApi({ listDrift: async () => [flag] });
    await render(<DockerEnvRoot />, api, { admin: true, path: '/drift' });
    expect(await screen.findByText('gone-app')).toBeInTheDocument();
    const nav = (label: string) =>
      screen
        .getAllByText(label)
        .map(e => e.closest('a')?.getAttribute('href'))
        .find(Boolean);
    expect(nav('Drift')).toMatch(/\/drift$/);
    expect(nav('Final backups')).toMatch(/\/backups$/);
  });
});

describe('FinalBackupsPage', () => {
  it('lists the backups and restores one under a new, valid name', async () => {
    const api = mockDockerEnvApi({
      listFinalBackups: async () => [backup],
      restoreFinalBackup: async (_id, name) => ({
        environment: anEnvironment({ name, status: 'provisioning' }),
        operation: anOperation({ kind: 'restore' }),
      }),
    });
    await render(<FinalBackupsPage />, api, { admin: true });
    const row = (await screen.findByText('old-app')).closest('tr')!;
    expect(row).toHaveTextContent('group:default/team-a');
    expect(row).toHaveTextContent(`${backup.volid} (CT 124 on pve1)`);
    expect(row).toHaveTextContent(new Date(backup.expiresAt).toLocaleString());
    const open = await waitFor(() => {
      const button = within(row).getByRole('button', { name: 'Restore' });
      expect(button).toBeEnabled();
      return button;
    });
    fireEvent.click(open);
    const dialog = await screen.findByRole('dialog');
    const submit = within(dialog).getByRole('button', { name: 'Restore' });
    const input = within(dialog).getByLabelText('New environment name');
    fireEvent.change(input, { target: { value: '1bad' } });
    expect(submit).toBeDisabled();
    expect(within(dialog).getByText(/^The name /)).toBeInTheDocument();
    fireEvent.change(input, { target: { value: 'old-app-back' } });
    expect(submit).toBeEnabled();
    fireEvent.click(submit);
    await waitFor(() =>
      expect(api.restoreFinalBackup).toHaveBeenCalledWith('b1', 'old-app-back'),
    );
    expect(
      await screen.findByText('Restoring old-app as old-app-back'),
    ).toBeInTheDocument();
  });

  it('keeps the dialog open with the backend message when the name is taken', async () => {
    const api = mockDockerEnvApi({
      listFinalBackups: async () => [backup],
      restoreFinalBackup: async () => {
        throw new Error('name: old-app-back is taken');
      },
    });
    await render(<FinalBackupsPage />, api, { admin: true });
    const row = (await screen.findByText('old-app')).closest('tr')!;
    fireEvent.click(
      await waitFor(() => {
        const button = within(row).getByRole('button', { name: 'Restore' });
        expect(button).toBeEnabled();
        return button;
      }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('New environment name'), {
      target: { value: 'old-app-back' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'name: old-app-back is taken',
    );
  });

  it('disables restore with the reason for a non-admin', async () => {
    const api = mockDockerEnvApi({ listFinalBackups: async () => [backup] });
    await render(<FinalBackupsPage />, api);
    const row = (await screen.findByText('old-app')).closest('tr')!;
    await waitFor(() =>
      expect(
        within(row).getByRole('button', { name: 'Restore' }),
      ).toBeDisabled(),
    );
    expect(screen.getByTitle(RESTORE_NOT_ALLOWED)).toBeInTheDocument();
  });

  it('shows progress, then says when no backup is kept', async () => {
    let answer: (backups: FinalBackup[]) => void = () => {};
    const api = mockDockerEnvApi({
      listFinalBackups: () => new Promise(resolve => (answer = resolve)),
    });
    await render(<FinalBackupsPage />, api, { admin: true });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    answer([]);
    expect(
      await screen.findByText('No final backup is kept.'),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the backups cannot be read", async () => {
    const api = mockDockerEnvApi({
      listFinalBackups: async () => {
        throw new Error('proxmox backup storage unreachable');
      },
    });
    await render(<FinalBackupsPage />, api, { admin: true });
    expect(
      (await screen.findAllByText(/proxmox backup storage unreachable/)).length,
    ).toBeGreaterThan(0);
  });

  it('is an admin page: a non-admin opening it is told so', async () => {
    const api = mockDockerEnvApi({ listFinalBackups: never });
    await render(<DockerEnvRoot />, api, { path: '/backups' });
    expect(
      await screen.findByText(/Only docker-env admins can open this page/),
    ).toBeInTheDocument();
    expect(api.listFinalBackups).not.toHaveBeenCalled();
  });
});
