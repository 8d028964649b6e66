import { ConfigReader } from '@backstage/config';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalRouteStore } from './LocalRouteStore';
import { SftpRouteStore } from './SftpRouteStore';
import { routeStoreFromConfig, TraefikRoutes } from './TraefikRoutes';
import { traefikSchemaValidator } from '@docker-env/lab';

/** The environment id the routes are written for (their mark). */
const ENV_ID = 'env-shop';

const validate = traefikSchemaValidator();
const backend = { ip: '10.0.0.5', port: 8080 };
const hostKey = 'SHA256:pNhBWMrLwxu1qOYlLySaY0BErHEn05+PXVuf7O+j6Pw';
const key =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n';

describe('TraefikRoutes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'traefik-routes-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('fromConfig with a directory writes, lists and removes an environment with its container routes', async () => {
    const routes = TraefikRoutes.fromConfig(
      new ConfigReader({
        dockerEnv: {
          traefik: {
            directory: dir,
            baseDomain: 'docker.example.com',
            entryPoints: ['websecure'],
            certResolver: 'le',
            wildcardCertificate: true,
            middlewares: ['secure-headers@file'],
            maintenanceService: 'maintenance@file',
          },
        },
      }),
    );
    expect(routes.store).toBeInstanceOf(LocalRouteStore);
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      target: { kind: 'backend', backend },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      name: 'api',
      subdomain: 'api',
      target: { kind: 'backend', backend },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      name: 'adm',
      pathPrefix: '/adm',
      target: { kind: 'backend', backend },
    });
    await routes.putRoute(ENV_ID, {
      environment: 'shopping',
      target: { kind: 'backend', backend },
    });
    expect(await routes.listEnvironmentRoutes('shop')).toEqual([
      'dockerenv_shop',
      'dockerenv_shop_adm',
      'dockerenv_shop_api',
    ]);
    for (const name of await fs.readdir(dir)) {
      const doc = await routes.store.get(name.replace(/\.yml$/, ''));
      expect(validate(doc)).toEqual([]);
    }
    // maintenance: one atomic write repoints the router, no "disabled" flag
    await routes.putRoute(ENV_ID, {
      environment: 'shop',
      target: { kind: 'maintenance' },
    });
    const maint = await routes.getRoute('shop');
    expect(maint!.http.routers!.dockerenv_shop.service).toBe(
      'maintenance@file',
    );
    expect(maint!.http.services).toBeUndefined();

    expect(await routes.removeEnvironment(ENV_ID, 'shop')).toHaveLength(3);
    expect(await fs.readdir(dir)).toEqual(['dockerenv_shopping.yml']);
    expect(await routes.removeRoute(ENV_ID, 'shop')).toBe(false);
  });

  it('fromConfig with sftp builds an SftpRouteStore (pinned host key required)', () => {
    const sftp = {
      host: '127.0.0.1',
      port: 2222,
      username: 'traefik',
      privateKey: key,
      hostKey,
      directory: '/etc/traefik/dynamic',
    };
    const store = routeStoreFromConfig(
      new ConfigReader({
        dockerEnv: { traefik: { baseDomain: 'a.com', sftp } },
      }),
    );
    expect(store).toBeInstanceOf(SftpRouteStore);
    expect(() =>
      routeStoreFromConfig(
        new ConfigReader({
          dockerEnv: {
            traefik: { baseDomain: 'a.com', sftp: { ...sftp, hostKey: 'yes' } },
          },
        }),
      ),
    ).toThrow(/hostKeySha256/);
    expect(() =>
      routeStoreFromConfig(
        new ConfigReader({
          dockerEnv: {
            traefik: {
              baseDomain: 'a.com',
              sftp: { ...sftp, directory: 'rel/dir' },
            },
          },
        }),
      ),
    ).toThrow(/directory/);
  });

  it('fromConfig needs exactly one of directory and sftp', () => {
    expect(() =>
      routeStoreFromConfig(
        new ConfigReader({ dockerEnv: { traefik: { baseDomain: 'a.com' } } }),
      ),
    ).toThrow(/one of directory or sftp/);
    expect(() =>
      routeStoreFromConfig(
        new ConfigReader({
          dockerEnv: {
            traefik: {
              baseDomain: 'a.com',
              directory: dir,
              sftp: {
                host: 'h',
                username: 'u',
                privateKey: key,
                hostKey,
                directory: '/d',
              },
            },
          },
        }),
      ),
    ).toThrow(/not both/);
  });
});
