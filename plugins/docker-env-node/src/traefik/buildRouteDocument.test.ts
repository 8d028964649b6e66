import { InputError } from '@backstage/errors';
import { buildRouteDocument, routeId } from './buildRouteDocument';
import { assertValidRouteDocument } from './checkDocument';
import { emptyMaps, traefikSchemaValidator } from '@docker-env/lab';
import { RouteSpec, TraefikRouteSettings } from './types';

const validate = traefikSchemaValidator();

const settings: TraefikRouteSettings = {
  baseDomain: 'docker.example.com',
  certResolver: 'letsencrypt',
  wildcardCertificate: true,
  middlewares: ['secure-headers@file'],
};
const backend = { ip: '10.0.0.5', port: 8080 };

const specs: Record<string, RouteSpec> = {
  environment: { environment: 'shop', target: { kind: 'backend', backend } },
  hostBased: {
    environment: 'shop',
    name: 'api',
    subdomain: 'api',
    target: {
      kind: 'backend',
      backend: { ip: '10.0.0.5', port: 3000 },
      healthCheck: { path: '/healthz', interval: '10s', timeout: '3s' },
    },
  },
  pathBased: {
    environment: 'shop',
    name: 'admin',
    pathPrefix: '/admin/v1',
    middlewares: ['auth@file'],
    target: {
      kind: 'backend',
      backend: { ip: '10.0.0.5', port: 9000, scheme: 'https' },
    },
  },
  blueGreen: {
    environment: 'shop',
    target: {
      kind: 'blueGreen',
      blue: { ip: '10.0.0.5', port: 8080 },
      green: { ip: '10.0.0.6', port: 8080 },
      weights: { blue: 90, green: 10 },
      healthCheck: { path: '/' },
    },
  },
  greenOnly: {
    environment: 'shop',
    target: {
      kind: 'blueGreen',
      blue: { ip: '10.0.0.5', port: 8080 },
      green: { ip: '10.0.0.6', port: 8080 },
      weights: { blue: 0, green: 1 },
    },
  },
  maintenanceService: {
    environment: 'shop',
    target: { kind: 'maintenance', service: 'maintenance@file' },
  },
  maintenanceUrl: {
    environment: 'shop',
    target: { kind: 'maintenance', url: 'http://127.0.0.1:8081/maintenance' },
  },
};

describe('buildRouteDocument', () => {
  it.each(Object.entries(specs))(
    '%s: valid against the Traefik v3 contract, no empty maps',
    (_, spec) => {
      for (const s of [
        settings,
        { baseDomain: 'docker.example.com' },
        { ...settings, tls: false },
      ]) {
        const { document } = buildRouteDocument(spec, s);
        expect(validate(document)).toEqual([]);
        expect(emptyMaps(document)).toEqual([]);
        expect(() => assertValidRouteDocument(document)).not.toThrow();
      }
    },
  );

  it('builds the environment route https://<name>.<base> -> http://<ip>:<port>', () => {
    expect(buildRouteDocument(specs.environment, settings)).toEqual({
      id: 'dockerenv_shop',
      document: {
        http: {
          routers: {
            dockerenv_shop: {
              rule: 'Host(`shop.docker.example.com`)',
              service: 'dockerenv_shop',
              entryPoints: ['websecure'],
              middlewares: ['secure-headers@file'],
              tls: {
                certResolver: 'letsencrypt',
                domains: [
                  {
                    main: 'docker.example.com',
                    sans: ['*.docker.example.com'],
                  },
                ],
              },
            },
          },
          services: {
            dockerenv_shop: {
              loadBalancer: { servers: [{ url: 'http://10.0.0.5:8080' }] },
            },
          },
        },
      },
    });
  });

  it('builds host and path based container routes', () => {
    const host = buildRouteDocument(specs.hostBased, settings);
    expect(host.id).toBe('dockerenv_shop_api');
    const hr = host.document.http.routers!.dockerenv_shop_api;
    expect(hr.rule).toBe('Host(`api.shop.docker.example.com`)');
    // a one-level wildcard of the base domain does not cover api.shop.<base>
    expect(hr.tls?.domains).toEqual([
      { main: 'shop.docker.example.com', sans: ['*.shop.docker.example.com'] },
    ]);
    expect(host.document.http.services!.dockerenv_shop_api).toEqual({
      loadBalancer: {
        servers: [{ url: 'http://10.0.0.5:3000' }],
        healthCheck: { path: '/healthz', interval: '10s', timeout: '3s' },
      },
    });
    const pathRoute = buildRouteDocument(specs.pathBased, settings).document
      .http.routers!.dockerenv_shop_admin;
    expect(pathRoute.rule).toBe(
      'Host(`shop.docker.example.com`) && PathPrefix(`/admin/v1`)',
    );
    expect(pathRoute.middlewares).toEqual(['secure-headers@file', 'auth@file']);
  });

  it('blue-green is one weighted service; weight 0 removes that side', () => {
    const both = buildRouteDocument(specs.blueGreen, settings).document.http;
    expect(both.routers!.dockerenv_shop.service).toBe('dockerenv_shop');
    expect(both.services!.dockerenv_shop).toEqual({
      weighted: {
        services: [
          { name: 'dockerenv_shop-blue', weight: 90 },
          { name: 'dockerenv_shop-green', weight: 10 },
        ],
      },
    });
    const green = buildRouteDocument(specs.greenOnly, settings).document.http;
    expect(Object.keys(green.services!).sort()).toEqual([
      'dockerenv_shop',
      'dockerenv_shop-green',
    ]);
    expect(green.services!.dockerenv_shop).toEqual({
      weighted: { services: [{ name: 'dockerenv_shop-green', weight: 1 }] },
    });
  });

  it('maintenance points the router at a maintenance service, omitting the services map when external', () => {
    const ext = buildRouteDocument(specs.maintenanceService, settings).document
      .http;
    expect(ext.routers!.dockerenv_shop.service).toBe('maintenance@file');
    expect(ext).not.toHaveProperty('services');
    const viaConfig = buildRouteDocument(
      { environment: 'shop', target: { kind: 'maintenance' } },
      { ...settings, maintenanceService: 'offline@file' },
    );
    expect(viaConfig.document.http.routers!.dockerenv_shop.service).toBe(
      'offline@file',
    );
    expect(() =>
      buildRouteDocument(
        { environment: 'shop', target: { kind: 'maintenance' } },
        settings,
      ),
    ).toThrow(/target.service/);
    const url = buildRouteDocument(specs.maintenanceUrl, settings).document
      .http;
    expect(url.services!['dockerenv_shop-maintenance']).toEqual({
      loadBalancer: { servers: [{ url: 'http://127.0.0.1:8081/maintenance' }] },
    });
  });

  it.each<[string, RouteSpec, TraefikRouteSettings?]>([
    [
      'backtick in environment',
      {
        environment: 'shop`)||Host(`evil',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'uppercase environment',
      { environment: 'Shop', target: { kind: 'backend', backend } },
    ],
    [
      'backtick in subdomain',
      {
        environment: 'shop',
        name: 'a',
        subdomain: 'a`',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'backtick in path',
      {
        environment: 'shop',
        name: 'a',
        pathPrefix: '/a`) || Path(`/',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'dot-dot path',
      {
        environment: 'shop',
        name: 'a',
        pathPrefix: '/../etc',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'host and path together',
      {
        environment: 'shop',
        name: 'a',
        subdomain: 'a',
        pathPrefix: '/a',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'container route without name',
      {
        environment: 'shop',
        subdomain: 'a',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'name with underscore',
      {
        environment: 'shop',
        name: 'a_b',
        pathPrefix: '/a',
        target: { kind: 'backend', backend },
      },
    ],
    [
      'bad ip',
      {
        environment: 'shop',
        target: { kind: 'backend', backend: { ip: '10.0.0.256', port: 80 } },
      },
    ],
    [
      'bad port',
      {
        environment: 'shop',
        target: { kind: 'backend', backend: { ip: '10.0.0.1', port: 70000 } },
      },
    ],
    [
      'hostile middleware',
      {
        environment: 'shop',
        middlewares: ['a`b'],
        target: { kind: 'backend', backend },
      },
    ],
    [
      'both weights 0',
      {
        environment: 'shop',
        target: {
          kind: 'blueGreen',
          blue: backend,
          green: backend,
          weights: { blue: 0, green: 0 },
        },
      },
    ],
    [
      'negative weight',
      {
        environment: 'shop',
        target: {
          kind: 'blueGreen',
          blue: backend,
          green: backend,
          weights: { blue: -1, green: 5 },
        },
      },
    ],
    [
      'bad health interval',
      {
        environment: 'shop',
        target: {
          kind: 'backend',
          backend,
          healthCheck: { path: '/', interval: '10 seconds' },
        },
      },
    ],
    [
      'maintenance url with credentials',
      {
        environment: 'shop',
        target: { kind: 'maintenance', url: 'http://u:p@127.0.0.1/' },
      },
    ],
    [
      'unknown target',
      { environment: 'shop', target: { kind: 'nope' } as never },
    ],
    [
      'bad base domain',
      { environment: 'shop', target: { kind: 'backend', backend } },
      { baseDomain: 'exa`mple.com' },
    ],
    [
      'bad entry point',
      { environment: 'shop', target: { kind: 'backend', backend } },
      { baseDomain: 'a.com', entryPoints: ['web secure'] },
    ],
  ])('refuses %s with an InputError', (_, spec, s = settings) => {
    expect(() => buildRouteDocument(spec, s)).toThrow(InputError);
  });

  it('routeId keeps environment and container routes apart', () => {
    expect(routeId('a')).toBe('dockerenv_a');
    expect(routeId('a', 'b')).toBe('dockerenv_a_b');
    expect(routeId('a--b')).not.toBe(routeId('a', 'b'));
  });
});

describe('assertValidRouteDocument', () => {
  const good = () =>
    buildRouteDocument(specs.blueGreen, settings).document as any;

  it.each<[string, (d: any) => void, RegExp]>([
    ['empty routers map', d => (d.http.routers = {}), /empty map/],
    ['empty services map', d => (d.http.services = {}), /empty map/],
    ['missing routers', d => delete d.http.routers, /http.routers/],
    [
      'injected rule',
      d =>
        (d.http.routers.dockerenv_shop.rule = 'Host(`a.com`) || Host(`b.com`)'),
      /rule/,
    ],
    [
      'dangling router service',
      d => (d.http.routers.dockerenv_shop.service = 'nope'),
      /service/,
    ],
    [
      'dangling weighted service',
      d => (d.http.services.dockerenv_shop.weighted.services[0].name = 'x'),
      /name/,
    ],
    [
      'two service kinds',
      d => (d.http.services['dockerenv_shop-blue'].weighted = { services: [] }),
      /exactly one/,
    ],
    [
      'no servers',
      d => (d.http.services['dockerenv_shop-blue'].loadBalancer.servers = []),
      /at least one/,
    ],
    [
      'unknown router key',
      d => (d.http.routers.dockerenv_shop.disabled = true),
      /not allowed/,
    ],
    ['tcp section', d => (d.tcp = { routers: {} }), /not allowed/],
  ])('refuses %s', (_, mutate, message) => {
    const d = good();
    mutate(d);
    expect(() => assertValidRouteDocument(d)).toThrow(message);
  });

  it('agrees with the contract on the structural errors the contract can see', () => {
    const d = good();
    d.http.services['dockerenv_shop-blue'].loadBalancer.servers = [];
    expect(validate(d)).not.toEqual([]);
    const e = good();
    e.http.routers.dockerenv_shop.disabled = true;
    expect(validate(e)).not.toEqual([]);
  });
});
