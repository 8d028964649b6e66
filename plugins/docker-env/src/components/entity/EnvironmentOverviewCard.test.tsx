import { ResponseError } from '@backstage/errors';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  anEnvironment,
  anOperation,
  mockDockerEnvApi,
  findEnabledButton,
  renderForEntity,
} from '../../testUtils';
import { EnvironmentOverviewCard } from './EnvironmentOverviewCard';
import { POLL_MS } from './useEnvironment';

const operation = anOperation();

jest.setTimeout(20000);

describe('EnvironmentOverviewCard', () => {
  const polling = { ...POLL_MS };
  beforeEach(() => {
    POLL_MS.changing = 50;
  });
  afterEach(() => Object.assign(POLL_MS, polling));

  it('shows status, URL, Portainer link, owner, size, created and expiry', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(await screen.findByText('Ready')).toBeInTheDocument();
    expect(
      screen.getByText('https://demo.docker.example.com').closest('a'),
    ).toHaveAttribute('href', 'https://demo.docker.example.com');
    expect(screen.getByText(/portainer\.example\.com/)).toBeInTheDocument();
    expect(screen.getByText(/team-a/)).toBeInTheDocument();
    expect(
      screen.getByText('M (2 CPU · 4 GiB memory · 32 GiB disk)'),
    ).toBeInTheDocument();
    expect(api.getEnvironment).toHaveBeenCalledWith('demo');
  });

  it('follows the status live while it changes', async () => {
    const api = mockDockerEnvApi();
    api.getEnvironment
      .mockResolvedValueOnce(
        anEnvironment({ status: 'provisioning', url: undefined }),
      )
      .mockResolvedValue(anEnvironment({ status: 'ready' }));
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(await screen.findByText('Provisioning')).toBeInTheDocument();
    expect(await screen.findByText('Ready')).toBeInTheDocument();
  });

  it('pauses a ready environment and shows resume only for a paused one', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      pauseEnvironment: async () => operation,
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    const pause = await findEnabledButton('Pause');
    expect(screen.getByRole('button', { name: 'Resume' })).toBeDisabled();
    expect(
      screen.getByTitle(/Only a paused environment can be resumed/),
    ).toBeInTheDocument();
    await userEvent.click(pause);
    await waitFor(() =>
      expect(api.pauseEnvironment).toHaveBeenCalledWith('demo'),
    );
  });

  it('deletes only after the name is typed', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      deleteEnvironment: async () => anOperation({ kind: 'delete' }),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await userEvent.click(await findEnabledButton('Delete'));
    const dialog = await screen.findByRole('dialog');
    const confirm = screen.getAllByRole('button', { name: 'Delete' }).pop()!;
    expect(dialog).toHaveTextContent('Type demo to confirm');
    await userEvent.type(screen.getByLabelText('Environment name'), 'dem');
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByLabelText('Environment name'), 'o');
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(api.deleteEnvironment).toHaveBeenCalledWith('demo', 'demo'),
    );
  });

  it('lists what an operation left behind and offers Delete to remove it', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () =>
        anEnvironment({
          status: 'cleanup_required',
          statusReason:
            'provision failed and left lxc: CT 105 on node pve; DELETE the environment to remove them',
          leftovers: ['lxc: CT 105 on node pve', 'netbox: NetBox VM demo'],
        }),
      deleteEnvironment: async () => anOperation({ kind: 'delete' }),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(await screen.findByText('Cleanup required')).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'left behind' });
    expect(list).toHaveTextContent('lxc: CT 105 on node pve');
    expect(list).toHaveTextContent('netbox: NetBox VM demo');
    await userEvent.click(await findEnabledButton('Delete'));
    await userEvent.type(screen.getByLabelText('Environment name'), 'demo');
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Delete' }).pop()!,
    );
    await waitFor(() =>
      expect(api.deleteEnvironment).toHaveBeenCalledWith('demo', 'demo'),
    );
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
  });

  it('transfers ownership to the entity ref typed, checked before it is sent', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      transferEnvironment: async () => ({
        environment: anEnvironment({ owner: 'group:default/team-b' }),
        operation: anOperation({ kind: 'transfer' }),
      }),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await userEvent.click(await findEnabledButton('Transfer ownership'));
    const confirm = screen.getByRole('button', { name: 'Transfer' });
    const field = screen.getByLabelText(/New owner/);
    await userEvent.type(field, 'team-b');
    expect(confirm).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'group:default/team-b');
    await userEvent.click(confirm);
    await waitFor(() =>
      expect(api.transferEnvironment).toHaveBeenCalledWith(
        'demo',
        'group:default/team-b',
      ),
    );
  });

  it('disables every action with the reason when the user may not act', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api, { allow: false });
    await screen.findByText('Ready');
    for (const name of ['Pause', 'Snapshot', 'Transfer ownership', 'Delete']) {
      await waitFor(() =>
        expect(screen.getByRole('button', { name })).toBeDisabled(),
      );
    }
    expect(
      screen.getAllByTitle(
        /Only the owner, members of the owning group and admins/,
      ).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('shows the backend message when an action fails and keeps the dialog usable', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      createSnapshot: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'ConflictError',
                message: 'pause of demo is running',
              },
              response: { statusCode: 409 },
            }),
            { status: 409, headers: { 'content-type': 'application/json' } },
          ) as any,
        );
      },
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await userEvent.click(await findEnabledButton('Snapshot'));
    await userEvent.type(
      screen.getByLabelText('Description'),
      'before upgrade',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Create snapshot' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'pause of demo is running',
    );
    expect(
      screen.getByRole('button', { name: 'Create snapshot' }),
    ).toBeEnabled();
  });

  it('extends the expiry but refuses a date in the past', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      extendEnvironment: async () => anEnvironment({ expiresOn: '2099-01-01' }),
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    await userEvent.click(await findEnabledButton('Extend'));
    const input = screen.getByLabelText('New expiry date');
    fireEvent.change(input, { target: { value: '2020-01-01' } });
    expect(
      screen.getByText('The expiry date must not be in the past'),
    ).toBeInTheDocument();
    fireEvent.change(input, { target: { value: '2099-01-01' } });
    const submit = screen.getAllByRole('button', { name: 'Extend' }).pop()!;
    expect(submit).toBeEnabled();
    fireEvent.click(submit);
    await waitFor(() =>
      expect(api.extendEnvironment).toHaveBeenCalledWith('demo', '2099-01-01'),
    );
  });

  it('says why the record cannot be read', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => {
        throw new Error('docker-env backend unreachable');
      },
    });
    await renderForEntity(<EnvironmentOverviewCard />, api);
    expect(
      (await screen.findAllByText(/docker-env backend unreachable/)).length,
    ).toBeGreaterThan(0);
  });
});
