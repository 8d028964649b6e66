import { mockServices } from '@backstage/backend-test-utils';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { Environment } from '@docker-env/plugin-docker-env-common';
import { DockerEnvEntityProvider } from './DockerEnvEntityProvider';
import { testEnvironment } from './testEnvironments';

const baseUrl = 'http://localhost:7007/api/docker-env';
const locationKey = `docker-env:${baseUrl}`;

function setup(environments: Environment[]) {
  const connection: jest.Mocked<EntityProviderConnection> = {
    applyMutation: jest.fn(),
    refresh: jest.fn(),
  };
  const reader = { listAllEnvironments: jest.fn(async () => environments) };
  const provider = new DockerEnvEntityProvider({
    reader,
    baseUrl,
    logger: mockServices.logger.mock(),
  });
  return { provider, connection, reader };
}

function event(environment: Environment, change = 'status') {
  return {
    topic: 'docker-env.environment',
    eventPayload: {
      id: environment.id,
      name: environment.name,
      owner: environment.owner,
      status: environment.status,
      change,
      environment,
    },
  };
}

describe('DockerEnvEntityProvider', () => {
  it('has a stable name', () => {
    expect(setup([]).provider.getProviderName()).toBe('docker-env');
  });

  it('refuses a full sync before the catalog connected it', async () => {
    await expect(setup([]).provider.fullSync()).rejects.toThrow(
      /not connected/,
    );
  });

  it('applies a full mutation of the environments that hold their name', async () => {
    const { provider, connection } = setup([
      testEnvironment({ name: 'alpha', status: 'ready' }),
      testEnvironment({ name: 'beta', status: 'pending_approval' }),
      testEnvironment({ name: 'gamma', status: 'failed' }),
      testEnvironment({ name: 'delta', status: 'deleted' }),
      testEnvironment({ name: 'eps', status: 'rejected' }),
      testEnvironment({ name: 'zeta', status: 'deleting' }),
    ]);
    await provider.connect(connection);
    await provider.fullSync();
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const mutation = connection.applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    const entities = mutation.type === 'full' ? mutation.entities : [];
    expect(entities.map(e => e.entity.metadata.name)).toEqual([
      'alpha',
      'beta',
      'zeta',
    ]);
    expect(entities.every(e => e.locationKey === locationKey)).toBe(true);
  });

  it('upserts a created or changed environment from an event', async () => {
    const { provider, connection, reader } = setup([]);
    await provider.connect(connection);
    const env = testEnvironment({ status: 'provisioning' });
    await provider.onEvent(event(env, 'created'));
    expect(connection.applyMutation).toHaveBeenCalledWith({
      type: 'delta',
      added: [
        {
          entity: expect.objectContaining({
            kind: 'Resource',
            metadata: expect.objectContaining({
              name: 'alpha',
              annotations: expect.objectContaining({
                'docker-env.io/status': 'provisioning',
              }),
            }),
          }),
          locationKey,
        },
      ],
      removed: [],
    });
    expect(reader.listAllEnvironments).not.toHaveBeenCalled();
  });

  it.each(['failed', 'rejected', 'deleted'] as const)(
    'removes an environment that became %s',
    async status => {
      const { provider, connection } = setup([]);
      await provider.connect(connection);
      await provider.onEvent(event(testEnvironment({ status })));
      expect(connection.applyMutation).toHaveBeenCalledWith({
        type: 'delta',
        added: [],
        removed: [{ entityRef: 'resource:default/alpha', locationKey }],
      });
    },
  );

  it('ignores events before it is connected and events without an environment', async () => {
    const { provider, connection } = setup([]);
    await provider.onEvent(event(testEnvironment()));
    await provider.connect(connection);
    await provider.onEvent({
      topic: 'docker-env.environment',
      eventPayload: {},
    });
    expect(connection.applyMutation).not.toHaveBeenCalled();
  });

  it('runs the full sync on its schedule once connected', async () => {
    const { connection, reader } = setup([testEnvironment()]);
    const taskRunner = { run: jest.fn(async ({ fn }) => fn()) };
    const provider = new DockerEnvEntityProvider({
      reader,
      baseUrl,
      logger: mockServices.logger.mock(),
      taskRunner: taskRunner as any,
    });
    await provider.connect(connection);
    expect(taskRunner.run).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'docker-env-entity-provider:full-sync' }),
    );
    expect(connection.applyMutation).toHaveBeenCalledWith(
      expect.objectContaining({ type: 'full' }),
    );
  });
});
