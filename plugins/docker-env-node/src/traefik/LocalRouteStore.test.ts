import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { buildRouteDocument } from './buildRouteDocument';
import { LocalRouteStore } from './LocalRouteStore';
import { emptyMaps, traefikSchemaValidator } from '@docker-env/lab';
import { TraefikDynamicConfig } from './types';

const validate = traefikSchemaValidator();
const settings = { baseDomain: 'docker.example.com', certResolver: 'le' };

function route(port: number) {
  return buildRouteDocument(
    {
      environment: 'shop',
      target: { kind: 'backend', backend: { ip: '10.0.0.5', port } },
    },
    settings,
  );
}

describe('LocalRouteStore', () => {
  let dir: string;
  let store: LocalRouteStore;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'traefik-routes-'));
    store = new LocalRouteStore(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes <id>.yml atomically, leaving no temp file, and reads it back', async () => {
    const { id, document } = route(8080);
    await store.put(id, document, 'env-1');
    expect(await fs.readdir(dir)).toEqual(['dockerenv_shop.yml']);
    const text = await fs.readFile(
      path.join(dir, 'dockerenv_shop.yml'),
      'utf8',
    );
    const parsed = YAML.parse(text);
    expect(parsed).toEqual(document);
    expect(validate(parsed)).toEqual([]);
    expect(emptyMaps(parsed)).toEqual([]);
    expect(text).not.toMatch(/\{\}/);
    expect(
      (await fs.stat(path.join(dir, 'dockerenv_shop.yml'))).mode & 0o777,
    ).toBe(0o644);
    expect(await store.get(id)).toEqual(document);
    expect(await store.list()).toEqual(['dockerenv_shop']);
  });

  it('replaces a file so that concurrent readers always see a whole valid document', async () => {
    const { id } = route(1);
    await store.put(id, route(1).document, 'env-1');
    let reads = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const doc = await store.get(id);
        expect(doc).toBeDefined();
        expect(validate(doc)).toEqual([]);
        reads++;
        await new Promise(r => setImmediate(r));
      }
    })();
    for (let port = 2; port <= 60; port++)
      await store.put(id, route(port).document, 'env-1');
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await store.get(id))!.http.services!.dockerenv_shop).toEqual({
      loadBalancer: { servers: [{ url: 'http://10.0.0.5:60' }] },
    });
    expect(await fs.readdir(dir)).toEqual(['dockerenv_shop.yml']);
  });

  it('remove is idempotent; get of a missing route is undefined', async () => {
    const { id, document } = route(8080);
    await store.put(id, document, 'env-1');
    expect(await store.remove(id)).toBe(true);
    expect(await store.remove(id)).toBe(false);
    expect(await store.get(id)).toBeUndefined();
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('lists only route files, ignoring temp files, other extensions and directories', async () => {
    await store.put('dockerenv_a', route(1).document, 'env-1');
    await fs.writeFile(path.join(dir, '.dockerenv_b.yml.tmp-abc'), 'x');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'x');
    await fs.mkdir(path.join(dir, 'sub.yml'));
    expect(await store.list()).toEqual(['dockerenv_a']);
  });

  it.each([
    '../evil',
    'a/b',
    'a`b',
    '.hidden',
    'a b',
    '',
    'x'.repeat(129),
    'a.yml',
  ])('refuses hostile id %j with no file written', async id => {
    await expect(store.put(id, route(1).document, 'env-1')).rejects.toThrow(
      InputError,
    );
    await expect(store.remove(id)).rejects.toThrow(InputError);
    await expect(store.get(id)).rejects.toThrow(InputError);
    expect(await fs.readdir(dir)).toEqual([]);
    expect(await fs.readdir(path.dirname(dir))).not.toContain('evil.yml');
  });

  it.each<[string, unknown]>([
    ['empty routers', { http: { routers: {} } }],
    [
      'empty services',
      { http: { routers: route(1).document.http.routers, services: {} } },
    ],
    [
      'injected rule',
      {
        http: {
          routers: {
            r: { rule: 'Host(`a.com`) || PathPrefix(`/`)', service: 'x@file' },
          },
        },
      },
    ],
    ['empty document', {}],
  ])(
    'refuses an invalid document (%s) with no file written',
    async (_, doc) => {
      await expect(
        store.put('dockerenv_x', doc as TraefikDynamicConfig, 'env-1'),
      ).rejects.toThrow(InputError);
      expect(await fs.readdir(dir)).toEqual([]);
    },
  );

  it('refuses to read a file that is not a valid route document', async () => {
    await fs.writeFile(
      path.join(dir, 'dockerenv_bad.yml'),
      'http:\n  routers: {}\n',
    );
    await expect(store.get('dockerenv_bad')).rejects.toThrow(/empty map/);
  });

  it('creates a missing directory (mkdir -p, mode 0755) on the first write', async () => {
    const nested = path.join(dir, 'not', 'yet', 'there');
    const fresh = new LocalRouteStore(nested);
    expect(await fresh.list()).toEqual([]);
    expect(await fresh.get('dockerenv_shop')).toBeUndefined();
    expect(await fresh.remove('dockerenv_shop')).toBe(false);
    await expect(fs.stat(nested)).rejects.toMatchObject({ code: 'ENOENT' });

    const previous = process.umask(0o022);
    try {
      await fresh.put('dockerenv_shop', route(1).document, 'env-1');
    } finally {
      process.umask(previous);
    }
    for (const d of [
      path.join(dir, 'not'),
      path.join(dir, 'not', 'yet'),
      nested,
    ]) {
      const st = await fs.stat(d);
      expect(st.isDirectory()).toBe(true);
      expect(st.mode & 0o777).toBe(0o755);
    }
    expect(await fs.readdir(nested)).toEqual(['dockerenv_shop.yml']);
    expect(await fresh.list()).toEqual(['dockerenv_shop']);
    // an existing directory keeps its mode
    await fs.chmod(nested, 0o750);
    await fresh.put('dockerenv_shop', route(2).document, 'env-1');
    expect((await fs.stat(nested)).mode & 0o777).toBe(0o750);
  });

  it('reports a directory that cannot be created as an UpstreamApiError without leaving temp files', async () => {
    const blocker = path.join(dir, 'file');
    await fs.writeFile(blocker, 'x');
    const blocked = new LocalRouteStore(path.join(blocker, 'routes'));
    await expect(
      blocked.put('dockerenv_a', route(1).document, 'env-1'),
    ).rejects.toMatchObject({
      name: 'UpstreamApiError',
      system: 'traefik',
      reason: 'ENOTDIR',
    });
    expect(await fs.readdir(dir)).toEqual(['file']);
  });
});
