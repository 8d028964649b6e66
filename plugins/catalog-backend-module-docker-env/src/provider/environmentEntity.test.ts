import { entitySchemaValidator } from '@backstage/catalog-model';
import { NAME_HOLDING_STATUSES } from '@docker-env/plugin-docker-env-common';
import { environmentToEntity, isPublished } from './environmentEntity';
import { testEnvironment } from './testEnvironments';

const baseUrl = 'https://portal.example.test/api/docker-env';

describe('environmentToEntity', () => {
  it('maps an environment to a valid resource:default/<name> entity', () => {
    const entity = environmentToEntity(testEnvironment(), { baseUrl });
    expect(() => entitySchemaValidator()(entity)).not.toThrow();
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'alpha',
        namespace: 'default',
        title: 'alpha (Docker environment)',
        description:
          'Feature branch of the shop (size M: 2 CPU, 4096 MB memory, 32 GB disk)',
        annotations: {
          'backstage.io/managed-by-location': `docker-env:${baseUrl}`,
          'backstage.io/managed-by-origin-location': `docker-env:${baseUrl}`,
          'docker-env.io/environment': 'alpha',
          'docker-env.io/status': 'ready',
          'docker-env.io/environment-id':
            '6f1c2c1e-0000-4000-8000-000000000001',
          'docker-env.io/vmid': '4012',
          'docker-env.io/node': 'pve1',
          'docker-env.io/netbox-vm-id': '17',
          'docker-env.io/portainer-endpoint-id': '12',
        },
        links: [
          {
            url: 'https://alpha.apps.example.test',
            title: 'Environment',
            icon: 'web',
          },
          {
            url: 'https://portainer.example.test/#!/12/docker/dashboard',
            title: 'Portainer',
            icon: 'dashboard',
          },
        ],
        tags: ['docker-environment'],
      },
      spec: { type: 'docker-environment', owner: 'group:default/team-a' },
    });
  });

  it('leaves out what a record does not have yet', () => {
    const pending = environmentToEntity(
      testEnvironment({
        status: 'pending_approval',
        url: null,
        portainerUrl: null,
        vmid: null,
        node: null,
        netboxVmId: null,
        portainerEndpointId: null,
        purpose: '',
      }),
      { baseUrl },
    );
    expect(pending.metadata.links).toEqual([]);
    expect(Object.keys(pending.metadata.annotations!)).not.toEqual(
      expect.arrayContaining(['docker-env.io/vmid']),
    );
    expect(pending.metadata.annotations!['docker-env.io/node']).toBeUndefined();
    expect(Object.keys(pending.metadata.annotations!)).not.toEqual(
      expect.arrayContaining(['docker-env.io/netbox-vm-id']),
    );
    expect(
      pending.metadata.annotations!['docker-env.io/portainer-endpoint-id'],
    ).toBeUndefined();
    expect(pending.metadata.description).toMatch(/^Docker environment \(size/);
  });

  it('publishes an environment an operation left leftovers of, listing them', () => {
    const entity = environmentToEntity(
      testEnvironment({
        status: 'cleanup_required',
        leftovers: ['lxc: CT 4012 on node pve1', 'netbox: NetBox VM alpha'],
      }),
      { baseUrl },
    );
    expect(() => entitySchemaValidator()(entity)).not.toThrow();
    expect(entity.metadata.annotations).toMatchObject({
      'docker-env.io/status': 'cleanup_required',
      'docker-env.io/leftovers':
        'lxc: CT 4012 on node pve1; netbox: NetBox VM alpha',
    });
    expect(isPublished({ status: 'cleanup_required' })).toBe(true);
  });

  it('publishes exactly the statuses that hold a name', () => {
    for (const status of NAME_HOLDING_STATUSES) {
      expect(isPublished({ status })).toBe(true);
    }
    for (const status of ['failed', 'rejected', 'deleted'] as const) {
      expect(isPublished({ status })).toBe(false);
    }
  });
});
