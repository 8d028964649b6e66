import { DockerEnvClient } from './DockerEnvClient';

describe('DockerEnvClient', () => {
  const discoveryApi = {
    getBaseUrl: async (id: string) => `http://backend/api/${id}`,
  };

  it('reads the backend health', async () => {
    const fetch = jest.fn(
      async () =>
        new Response(JSON.stringify({ status: 'ok' }), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const client = new DockerEnvClient({ discoveryApi, fetchApi: { fetch } });
    await expect(client.getHealth()).resolves.toEqual({ status: 'ok' });
    expect(fetch).toHaveBeenCalledWith('http://backend/api/docker-env/health');
  });

  it('throws a ResponseError carrying the status on failure', async () => {
    const fetch = jest.fn(
      async () =>
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'down' } }),
          {
            status: 503,
            statusText: 'Service Unavailable',
            headers: { 'content-type': 'application/json' },
          },
        ),
    );
    const client = new DockerEnvClient({ discoveryApi, fetchApi: { fetch } });
    await expect(client.getHealth()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 503,
    });
  });
});
