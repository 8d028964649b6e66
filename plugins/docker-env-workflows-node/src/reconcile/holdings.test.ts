import { InputError } from '@backstage/errors';
import { buildRouteDocument } from '@docker-env/plugin-docker-env-node';
import { compareRoute, expectedMainRoute } from './expectedRoute';
import { listHoldings, type HoldingsDeps } from './holdings';

const ID = 'a0000000-0000-4000-8000-00000000000a';

function deps(overrides: Partial<HoldingsDeps> = {}): HoldingsDeps {
  return {
    proxmox: {
      listContainers: async () => [
        {
          vmid: 9000,
          node: 'pve',
          name: 'golden',
          status: 'stopped',
          tags: ['docker-env', `docker-env-${ID}`],
          template: true,
        },
        {
          vmid: 101,
          node: 'pve',
          name: 'alpha',
          status: 'running',
          tags: ['docker-env', `docker-env-${ID}`],
          template: false,
        },
        {
          vmid: 102,
          node: 'pve',
          name: 'made',
          status: 'stopped',
          tags: ['docker-env', 'docker-env-x1', 'docker-env_unmanaged'],
          template: false,
        },
        {
          vmid: 103,
          node: 'pve',
          name: 'plain',
          status: 'running',
          tags: ['docker-env', 'web'],
          template: false,
        },
      ],
    },
    portainer: {
      listTags: async () => [
        { id: 1, name: 'docker-env' },
        { id: 2, name: `docker-env-${ID}` },
        { id: 3, name: 'docker-env_unmanaged' },
        { id: 4, name: 'docker-env-x1' },
      ],
      listEndpoints: async () =>
        [
          { id: 5, name: 'alpha', tagIds: [1, 2] },
          { id: 6, name: 'made', tagIds: [1, 4, 3] },
          { id: 7, name: 'local', tagIds: [] },
        ] as any,
    },
    netbox: {
      listVirtualMachines: async () =>
        [
          {
            id: 8,
            name: 'alpha',
            tags: ['docker-env'],
            customFields: { docker_env_environment_id: ID },
          },
          { id: 9, name: 'other', tags: ['docker-env'], customFields: {} },
        ] as any,
    },
    routes: {
      list: async () => [
        'dockerenv_alpha',
        'dockerenv_alpha_api',
        'traefik-dashboard',
      ],
    },
    ...overrides,
  };
}

describe('listHoldings', () => {
  it('lists only what carries an environment mark, tells unmanaged apart, and names routes by environment', async () => {
    const h = await listHoldings(deps());
    expect(h.proxmox).toEqual({
      ok: true,
      items: [
        {
          id: '101',
          name: 'alpha',
          environmentId: ID,
          unmanaged: false,
          status: 'running',
        },
        {
          id: '102',
          name: 'made',
          environmentId: 'x1',
          unmanaged: true,
          status: 'stopped',
        },
      ],
    });
    expect(h.portainer).toEqual({
      ok: true,
      items: [
        { id: '5', name: 'alpha', environmentId: ID, unmanaged: false },
        { id: '6', name: 'made', environmentId: 'x1', unmanaged: true },
      ],
    });
    expect(h.netbox).toEqual({
      ok: true,
      items: [{ id: '8', name: 'alpha', environmentId: ID, unmanaged: false }],
    });
    expect(h.routes).toEqual({
      ok: true,
      items: [
        { id: 'dockerenv_alpha', name: 'alpha', unmanaged: false },
        { id: 'dockerenv_alpha_api', name: 'alpha', unmanaged: false },
      ],
    });
  });

  it('a system that cannot be read answers its error; the others are still listed', async () => {
    const h = await listHoldings(
      deps({
        portainer: {
          listTags: async () => {
            throw new Error('Portainer GET /tags: timed out after 5000 ms');
          },
          listEndpoints: async () => [],
        },
      }),
    );
    expect(h.portainer).toEqual({
      ok: false,
      error: 'Portainer GET /tags: timed out after 5000 ms',
    });
    expect(h.proxmox.ok && h.netbox.ok && h.routes.ok).toBe(true);
  });
});

describe('compareRoute', () => {
  const settings = {
    baseDomain: 'docker.example.com',
    entryPoints: ['web'],
    tls: false,
  };
  const paused = { url: 'http://127.0.0.1:9999' };
  const expected = expectedMainRoute(settings, paused, {
    name: 'alpha',
    ip: '10.0.0.5',
    port: 8080,
    paused: false,
  });
  const store = (get: () => Promise<any>) => ({ get });

  it('is the document the route step writes, and the paused one when paused', () => {
    const built = buildRouteDocument(
      {
        environment: 'alpha',
        target: { kind: 'backend', backend: { ip: '10.0.0.5', port: 8080 } },
      },
      settings,
    );
    expect(expected).toEqual(built);
    const asleep = expectedMainRoute(settings, paused, {
      name: 'alpha',
      ip: '10.0.0.5',
      port: 8080,
      paused: true,
    });
    expect(asleep.document.http.routers!.dockerenv_alpha.service).toBe(
      'dockerenv_alpha-paused',
    );
  });

  it('tells same (whatever the key order), missing, changed and unreadable apart; a failed read is no judgement', async () => {
    const reordered = JSON.parse(JSON.stringify(expected.document), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v,
    );
    expect(
      await compareRoute(
        store(async () => reordered),
        expected.id,
        expected.document,
      ),
    ).toBe('same');
    expect(
      await compareRoute(
        store(async () => undefined),
        expected.id,
        expected.document,
      ),
    ).toBe('missing');
    const moved = JSON.parse(
      JSON.stringify(expected.document).replace('10.0.0.5', '10.0.0.6'),
    );
    expect(
      await compareRoute(
        store(async () => moved),
        expected.id,
        expected.document,
      ),
    ).toBe('changed');
    const broken = async () => {
      throw new InputError('route dockerenv_alpha: file is not valid YAML');
    };
    expect(
      await compareRoute(store(broken), expected.id, expected.document),
    ).toBe('changed');
    const offline = async () => {
      throw new Error('sftp: connection refused');
    };
    await expect(
      compareRoute(store(offline), expected.id, expected.document),
    ).rejects.toThrow('connection refused');
  });
});
