import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ApprovalRequest, DockerEnvApi, QuotaUsage } from '../api';
import {
  anEnvironment,
  mockDockerEnvApi,
  renderWithDockerEnv,
} from '../testUtils';
import { ApprovalsPage } from './admin/ApprovalsPage';
import { QuotasPage } from './admin/QuotasPage';
import { DockerEnvRoot } from './DockerEnvRoot';
import { EnvironmentsPage } from './EnvironmentsPage/EnvironmentsPage';

jest.setTimeout(20000);

const quota: QuotaUsage = {
  owner: 'user:default/alice',
  quota: {
    cpuCores: 8,
    memoryMb: 16384,
    diskGb: 200,
    environments: 4,
    containers: 40,
  },
  usage: {
    cpuCores: 2,
    memoryMb: 4096,
    diskGb: 32,
    environments: 1,
    containers: 3,
  },
  source: 'config',
};

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

describe('EnvironmentsPage', () => {
  it('shows mine and my groups with status, URL, quota bars and pending requests', async () => {
    const api = mockDockerEnvApi({
      listEnvironments: async () => ({
        items: [
          anEnvironment({ name: 'mine', owner: 'user:default/alice' }),
          anEnvironment({
            name: 'ours',
            owner: 'group:default/team-a',
            status: 'paused',
          }),
          anEnvironment({ name: 'theirs', owner: 'group:default/team-b' }),
          anEnvironment({
            name: 'waiting',
            owner: 'user:default/alice',
            status: 'pending_approval',
          }),
        ],
        totalCount: 4,
        nextCursor: null,
      }),
      getQuota: async owner => ({ ...quota, owner }),
    });
    await render(<EnvironmentsPage />, api);
    expect(await screen.findByText('mine')).toBeInTheDocument();
    expect(screen.getByText('ours')).toBeInTheDocument();
    expect(screen.queryByText('theirs')).toBeNull();
    expect(screen.getByText('Paused')).toBeInTheDocument();
    expect(
      screen.getByText(/waiting \(owner user:default\/alice\): awaiting/),
    ).toBeInTheDocument();
    expect((await screen.findAllByText('CPU cores: 2 of 8')).length).toBe(2);
    expect(api.getQuota).toHaveBeenCalledWith('group:default/team-a');
    expect(screen.queryByText('Platform status')).toBeNull();
  });

  it('links to Create when there is nothing yet', async () => {
    const api = mockDockerEnvApi({
      listEnvironments: async () => ({
        items: [],
        totalCount: 0,
        nextCursor: null,
      }),
      getQuota: async owner => ({ ...quota, owner }),
    });
    await render(<EnvironmentsPage />, api);
    const link = await screen.findByRole('link', {
      name: 'Create an environment',
    });
    expect(link.getAttribute('href')).toMatch(
      /\/templates\/default\/docker-environment$/,
    );
  });

  it('shows the platform status to admins', async () => {
    const api = mockDockerEnvApi({
      listEnvironments: async () => ({
        items: [],
        totalCount: 0,
        nextCursor: null,
      }),
      getQuota: async owner => ({ ...quota, owner }),
      getPlatformStatus: async () => ({
        ok: false,
        systems: [
          {
            name: 'proxmox',
            reachable: true,
            version: '8.2',
            error: null,
            latencyMs: 3,
          },
          {
            name: 'netbox',
            reachable: false,
            version: null,
            error: 'timed out',
            latencyMs: 5000,
          },
        ],
      }),
    });
    await render(<EnvironmentsPage />, api, { admin: true });
    expect(
      await screen.findByText(/proxmox: up \(version 8.2\)/),
    ).toBeInTheDocument();
    expect(screen.getByText(/netbox: down - timed out/)).toBeInTheDocument();
  });

  it('shows a readable message when the backend fails', async () => {
    const api = mockDockerEnvApi({
      listEnvironments: async () => {
        throw new Error('docker-env is starting');
      },
    });
    await render(<EnvironmentsPage />, api);
    expect(
      (await screen.findAllByText(/docker-env is starting/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('DockerEnvRoot', () => {
  it('answers "not found" for a made-up path', async () => {
    const api = mockDockerEnvApi();
    await render(<DockerEnvRoot />, api, { path: '/no-such-page' });
    expect(await screen.findByText(/not found/i)).toBeInTheDocument();
    expect(api.listEnvironments).not.toHaveBeenCalled();
  });

  it('tells a non-admin that approvals are for admins', async () => {
    const api = mockDockerEnvApi();
    await render(<DockerEnvRoot />, api, { path: '/approvals' });
    expect(
      await screen.findByText(/Only docker-env admins can open this page/),
    ).toBeInTheDocument();
    expect(api.listRequests).not.toHaveBeenCalled();
  });
});

describe('ApprovalsPage', () => {
  const request: ApprovalRequest = {
    id: 'r1',
    environmentId: 'env-1',
    environment: 'big-one',
    owner: 'user:default/alice',
    requestedBy: 'user:default/alice',
    status: 'pending',
    size: 'L',
    cpuCores: 8,
    memoryMb: 16384,
    diskGb: 100,
    quotaReason: 'cpuCores: 4 more would make 10 of 8',
    decidedBy: null,
    reason: null,
    createdAt: '2026-11-30T10:00:00.000Z',
    decidedAt: null,
  };

  it('approves a request', async () => {
    const api = mockDockerEnvApi({
      listRequests: async () => [request],
      approveRequest: async () => undefined,
    });
    await render(<ApprovalsPage />, api, { admin: true });
    expect(
      await screen.findByText('cpuCores: 4 more would make 10 of 8'),
    ).toBeInTheDocument();
    fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(api.approveRequest).toHaveBeenCalledWith('r1'));
  });

  it('rejects with a reason, which it requires', async () => {
    const api = mockDockerEnvApi({
      listRequests: async () => [request],
      rejectRequest: async () => undefined,
    });
    await render(<ApprovalsPage />, api, { admin: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Reject' }));
    const confirm = screen.getAllByRole('button', { name: 'Reject' }).pop()!;
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Reason'), {
      target: { value: 'over the team budget' },
    });
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(api.rejectRequest).toHaveBeenCalledWith(
        'r1',
        'over the team budget',
      ),
    );
  });
});

describe('QuotasPage', () => {
  it("loads an owner's quota, refuses a bad figure and saves an override", async () => {
    const api = mockDockerEnvApi({
      getQuota: async owner => ({ ...quota, owner }),
      setQuota: async () => undefined,
      listOverQuota: async () => [],
    });
    await render(<QuotasPage />, api, { admin: true });
    expect(api.getQuota).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'group:default/team-a' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Load' }));
    await waitFor(() =>
      expect(api.getQuota).toHaveBeenCalledWith('group:default/team-a'),
    );
    const cpu = await screen.findByLabelText('CPU cores');
    await waitFor(() => expect(cpu).toHaveValue('8'));
    fireEvent.change(cpu, { target: { value: 'lots' } });
    expect(
      screen.getByText('CPU cores must be a whole number of 0 or more'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    fireEvent.change(cpu, { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.setQuota).toHaveBeenCalledWith(
        'group:default/team-a',
        expect.objectContaining({ cpuCores: 12, environments: 4 }),
      ),
    );
  });

  it('reads the defaults back, then saves them', async () => {
    const api = mockDockerEnvApi({
      getDefaultQuota: async () => ({
        owner: 'default',
        quota: { ...quota.quota, environments: 2 },
        source: 'default',
        usage: null,
      }),
      setQuota: async () => undefined,
    });
    await render(<QuotasPage />, api, { admin: true });
    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'default' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Load' }));
    expect(await screen.findByText('The saved defaults.')).toBeInTheDocument();
    const environments = screen.getByLabelText('Environments');
    expect(environments).toHaveValue('2');
    fireEvent.change(environments, { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.setQuota).toHaveBeenCalledWith(
        'default',
        expect.objectContaining({ environments: 3, cpuCores: 8 }),
      ),
    );
    expect(api.getQuota).not.toHaveBeenCalled();
  });

  it('shows who is over their quota, with the fields and figures', async () => {
    const api = mockDockerEnvApi({
      listOverQuota: async () => [
        {
          source: 'override',
          owner: 'user:default/alice',
          quota: { ...quota.quota, cpuCores: 2, memoryMb: 4096 },
          usage: {
            cpuCores: 3,
            memoryMb: 6144,
            diskGb: 32,
            environments: 1,
            containers: 0,
          },
          over: ['cpuCores', 'memoryMb'],
        },
      ],
    });
    await render(<QuotasPage />, api, { admin: true });
    expect(
      await screen.findByText(
        'user:default/alice: cpuCores 3 of 2, memoryMb 6144 of 4096',
      ),
    ).toBeInTheDocument();
  });

  it("shows the backend's message when the quota cannot be read", async () => {
    const api = mockDockerEnvApi({
      listOverQuota: async () => [],
      getQuota: async () => {
        throw new Error(
          'owner: must be an entity ref like user:default/alice or group:default/team-a',
        );
      },
    });
    await render(<QuotasPage />, api, { admin: true });
    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'team-a' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Load' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'owner: must be an entity ref like user:default/alice',
    );
  });
});
