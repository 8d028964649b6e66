import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { dockerEnvApiRef } from '../api';
import { DockerEnvPage } from './DockerEnvPage';

describe('DockerEnvPage', () => {
  it('shows the backend status', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [dockerEnvApiRef, { getHealth: async () => ({ status: 'ok' }) }],
        ]}
      >
        <DockerEnvPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Docker environment platform: ok'),
    ).toBeInTheDocument();
  });

  it('warns when the backend fails', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            dockerEnvApiRef,
            {
              getHealth: async () => {
                throw new Error('connection refused');
              },
            },
          ],
        ]}
      >
        <DockerEnvPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('connection refused')).toBeInTheDocument();
  });
});
