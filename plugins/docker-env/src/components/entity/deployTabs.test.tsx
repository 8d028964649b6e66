import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import {
  anEnvironment,
  anOperation,
  findEnabledButton,
  mockDockerEnvApi,
  renderForEntity,
} from '../../testUtils';
import { DeployTokensContent } from './DeployTokensContent';
import { DeploymentsContent } from './DeploymentsContent';

jest.setTimeout(20000);

const aToken = {
  id: 'tok-1',
  environmentId: 'env-1',
  description: 'gitlab main',
  createdBy: 'user:default/alice',
  createdAt: '2026-11-30T10:00:00.000Z',
  expiresAt: null,
  lastUsedAt: '2026-12-01T09:00:00.000Z',
  revokedAt: null,
};

describe('DeployTokensContent', () => {
  it('creates a token with description and expiry and shows it once', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listDeployTokens: async () => [aToken],
      createDeployToken: async () => ({
        ...aToken,
        id: 'tok-2',
        token: 'dep_s3cret',
      }),
    });
    await renderForEntity(<DeployTokensContent />, api);
    // the table re-renders its rows when the permission answer arrives: look the cells up afresh
    await screen.findByText('gitlab main');
    await screen.findByText(new Date(aToken.lastUsedAt).toLocaleString());
    fireEvent.click(await findEnabledButton('Create token'));
    fireEvent.change(screen.getByLabelText('Description'), {
      target: { value: 'release job' },
    });
    fireEvent.change(screen.getByLabelText('Expires on (optional)'), {
      target: { value: '2099-01-31' },
    });
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Create token',
      }),
    );
    expect(await screen.findByText('dep_s3cret')).toBeInTheDocument();
    expect(screen.getByText(/shown only once/)).toBeInTheDocument();
    expect(api.createDeployToken).toHaveBeenCalledWith('demo', {
      description: 'release job',
      expiresOn: '2099-01-31',
    });
    await waitFor(() => expect(api.listDeployTokens).toHaveBeenCalledTimes(2));
  });

  it('shows the backend message when creation fails', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listDeployTokens: async () => [],
      createDeployToken: async () => {
        throw new Error('description: must be text of at most 200 characters');
      },
    });
    await renderForEntity(<DeployTokensContent />, api);
    fireEvent.click(await findEnabledButton('Create token'));
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Create token',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'description: must be text of at most 200 characters',
    );
  });

  it('revokes a token after confirmation', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listDeployTokens: async () => [aToken],
      revokeDeployToken: async () => undefined,
    });
    await renderForEntity(<DeployTokensContent />, api);
    fireEvent.click(await findEnabledButton('Revoke'));
    expect(api.revokeDeployToken).not.toHaveBeenCalled();
    fireEvent.click(
      within(screen.getByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );
    await waitFor(() =>
      expect(api.revokeDeployToken).toHaveBeenCalledWith('demo', 'tok-1'),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('says why the tokens cannot be listed', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listDeployTokens: async () => {
        throw await ResponseError.fromResponse(
          new Response(
            JSON.stringify({
              error: {
                name: 'NotAllowedError',
                message: 'not allowed: update',
              },
              response: { statusCode: 403 },
            }),
            {
              status: 403,
              statusText: 'Forbidden',
              headers: { 'content-type': 'application/json' },
            },
          ) as any,
        );
      },
    });
    await renderForEntity(<DeployTokensContent />, api);
    expect(
      (await screen.findAllByText(/not allowed: update/)).length,
    ).toBeGreaterThan(0);
  });

  it('disables create and revoke for a user without the update permission', async () => {
    const api = mockDockerEnvApi({
      getEnvironment: async () => anEnvironment(),
      listDeployTokens: async () => [aToken],
    });
    await renderForEntity(<DeployTokensContent />, api, { allow: false });
    await screen.findByText('gitlab main');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Create token' }),
      ).toBeDisabled(),
    );
    expect(screen.getByRole('button', { name: 'Revoke' })).toBeDisabled();
  });
});

describe('DeploymentsContent', () => {
  const step = (name: string, start: string, end: string, extra = {}) => ({
    position: 0,
    name,
    status: 'succeeded' as const,
    startedAt: start,
    endedAt: end,
    facts: {},
    error: null,
    ...extra,
  });
  const older = anOperation({
    id: 'dep-1',
    kind: 'deploy',
    status: 'succeeded',
    input: { deployment: { image: 'registry/app:1', container: 'web' } },
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: '2026-11-30T10:00:00.000Z',
    endedAt: '2026-11-30T10:00:40.000Z',
  });
  const newer = anOperation({
    id: 'dep-2',
    kind: 'deploy',
    status: 'rolled_back' as any,
    input: { deployment: { image: 'registry/app:2', container: 'web' } },
    createdAt: '2026-12-01T10:00:00.000Z',
    startedAt: '2026-12-01T10:00:00.000Z',
    endedAt: '2026-12-01T10:01:05.000Z',
  });

  it('lists deployments newest first and expands one to its steps, timings and logs', async () => {
    const api = mockDockerEnvApi({
      listDeployments: async () => [older, newer],
      getDeployment: async () => ({
        ...newer,
        error:
          'step health: not healthy after 12 tries\nlast log lines of web-new:\nboom',
        steps: [
          step('pull', '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:03.500Z'),
          step(
            'health',
            '2026-12-01T10:00:04.000Z',
            '2026-12-01T10:01:04.000Z',
            {
              status: 'failed',
              error: 'not healthy after 12 tries',
              facts: { logs: 'listening failed: EADDRINUSE' },
            },
          ),
        ],
      }),
    });
    await renderForEntity(<DeploymentsContent />, api);
    expect(await screen.findByText('registry/app:2')).toBeInTheDocument();
    const rows = screen.getAllByRole('row').map(r => r.textContent ?? '');
    const first = rows.findIndex(r => r.includes('registry/app:2'));
    const second = rows.findIndex(r => r.includes('registry/app:1'));
    expect(first).toBeGreaterThan(-1);
    expect(first).toBeLessThan(second);
    expect(screen.getByText('1 min 5 s')).toBeInTheDocument();
    expect(screen.getByText('40.0 s')).toBeInTheDocument();
    fireEvent.click(
      screen.getAllByRole('button', { name: /detail panel/i })[0],
    );
    expect(await screen.findByText('pull')).toBeInTheDocument();
    expect(api.getDeployment).toHaveBeenCalledWith('demo', 'dep-2');
    expect(screen.getByText('3.5 s')).toBeInTheDocument();
    expect(
      screen.getByText('listening failed: EADDRINUSE'),
    ).toBeInTheDocument();
    expect(screen.getByText(/last log lines of web-new/)).toBeInTheDocument();
  });

  it('says why the history cannot be read', async () => {
    const api = mockDockerEnvApi({
      listDeployments: async () => {
        throw new Error('environment demo does not exist');
      },
    });
    await renderForEntity(<DeploymentsContent />, api);
    expect(
      (await screen.findAllByText(/environment demo does not exist/)).length,
    ).toBeGreaterThan(0);
  });
});
