import { ConflictError } from '@backstage/errors';
import { loadRouteDirectory, memoryLogger } from '@docker-env/lab';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRouteDocument } from './buildRouteDocument';
import { LocalRouteStore } from './LocalRouteStore';
import { routeMarkOf } from './routeMark';
import { RouteFileNotOursError, RouteLock, RouteWriter } from './RouteWriter';

const SHOP = 'env-shop';
const OTHER = 'env-other';
const settings = { baseDomain: 'docker.localhost', tls: false };
const route = (port: number, name?: string) =>
  buildRouteDocument(
    {
      environment: 'shop',
      name,
      subdomain: name,
      target: { kind: 'backend', backend: { ip: '10.0.0.5', port } },
    },
    settings,
  );

describe('RouteWriter on a local route folder', () => {
  let dir: string;
  let writer: RouteWriter;
  const file = (id: string) => path.join(dir, `${id}.yml`);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'route-writer-'));
    writer = new RouteWriter(new LocalRouteStore(dir));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the environment id as a comment line the Traefik file provider (the lab edge) accepts', async () => {
    const { id, document } = route(8080);
    await writer.write(SHOP, id, document);
    const text = await fs.readFile(file(id), 'utf8');
    expect(text.split('\n').slice(0, 2)).toEqual([
      '# Managed by docker-env: written by the portal, which overwrites edits.',
      '# docker-env-environment: env-shop',
    ]);
    expect(routeMarkOf(text)).toBe(SHOP);
    expect(await writer.store.owner(id)).toBe(SHOP);
    // the edge decodes the file as Traefik v3 does (YAML, then the pinned file-provider schema): the mark is no field
    const loaded = await loadRouteDirectory(dir, memoryLogger());
    expect(Object.keys(loaded.config.routers!)).toEqual([id]);
    expect(await writer.get(id)).toEqual(document);
  });

  it('replaces and deletes a file carrying its own mark', async () => {
    const { id, document } = route(8080);
    await writer.write(SHOP, id, document);
    await writer.write(SHOP, id, route(9090).document);
    expect(JSON.stringify(await writer.get(id))).toContain('10.0.0.5:9090');
    expect(await writer.remove(SHOP, id)).toBe(true);
    expect(await writer.remove(SHOP, id)).toBe(false);
    await expect(fs.access(file(id))).rejects.toThrow();
  });

  it('never overwrites or deletes a file without the mark, with an error naming the file', async () => {
    const { id, document } = route(8080);
    const handmade =
      '# Managed by docker-env: changes are overwritten.\nhttp:\n  routers:\n    mine:\n      rule: Host(`shop.docker.localhost`)\n      service: mine@file\n';
    await fs.writeFile(file(id), handmade);
    const overwrite = writer.write(SHOP, id, document);
    await expect(overwrite).rejects.toThrow(RouteFileNotOursError);
    await expect(overwrite).rejects.toThrow(ConflictError);
    await expect(overwrite).rejects.toThrow(
      'route file dockerenv_shop.yml carries no docker-env mark: it was not overwritten for environment env-shop (remove or rename it by hand if it is a leftover)',
    );
    await expect(writer.remove(SHOP, id)).rejects.toThrow(
      'route file dockerenv_shop.yml carries no docker-env mark: it was not deleted for environment env-shop (remove or rename it by hand if it is a leftover)',
    );
    await expect(writer.update(SHOP, id, doc => ({ ...doc }))).rejects.toThrow(
      RouteFileNotOursError,
    );
    expect(await fs.readFile(file(id), 'utf8')).toBe(handmade);
  });

  it("never overwrites or deletes another environment's file", async () => {
    const { id, document } = route(8080);
    await writer.write(OTHER, id, document);
    const before = await fs.readFile(file(id), 'utf8');
    await expect(writer.write(SHOP, id, route(9090).document)).rejects.toThrow(
      'route file dockerenv_shop.yml is marked for environment env-other: it was not overwritten for environment env-shop (remove or rename it by hand if it is a leftover)',
    );
    await expect(writer.remove(SHOP, id)).rejects.toThrow(
      'route file dockerenv_shop.yml is marked for environment env-other: it was not deleted for environment env-shop',
    );
    expect(await fs.readFile(file(id), 'utf8')).toBe(before);
  });

  it('adopts only a file an earlier version wrote (its old header, no mark), content unchanged', async () => {
    const { id, document } = route(8080);
    await writer.write(SHOP, id, document);
    const marked = await fs.readFile(file(id), 'utf8');
    // what the version before the marks wrote: its header, then the document
    const legacy = marked.replace(
      /^.*\n.*\n/,
      '# Managed by docker-env: changes are overwritten.\n',
    );
    await fs.writeFile(file(id), legacy);
    expect(await writer.store.owner(id)).toBeNull();
    expect(await writer.store.legacy(id)).toBe(true);
    await expect(writer.write(SHOP, id, document)).rejects.toThrow(
      RouteFileNotOursError,
    );
    expect(await writer.adoptLegacy(SHOP, id)).toBe(true);
    expect(await fs.readFile(file(id), 'utf8')).toBe(marked);
    expect(await writer.adoptLegacy(SHOP, id)).toBe(false);
    // a hand-made file without the old header is never adopted
    const handmade = legacy.replace(/^.*\n/, '# my route\n');
    await fs.writeFile(file(id), handmade);
    expect(await writer.adoptLegacy(SHOP, id)).toBe(false);
    expect(await fs.readFile(file(id), 'utf8')).toBe(handmade);
  });

  it('a mark below the first YAML line is no mark', async () => {
    expect(
      routeMarkOf('http:\n# docker-env-environment: env-shop\n  routers: {}\n'),
    ).toBeUndefined();
    expect(
      routeMarkOf('\n# a note\n# docker-env-environment: env-shop\nhttp: {}\n'),
    ).toBe(SHOP);
  });

  it('updates only a file of its own that changes, and sorts files by their mark', async () => {
    const main = route(8080);
    const api = route(8081, 'api');
    await writer.write(SHOP, main.id, main.document);
    await writer.write(OTHER, api.id, api.document);
    expect(await writer.update(SHOP, main.id, doc => doc)).toBe(false);
    expect(await writer.update(SHOP, 'dockerenv_shop_gone', doc => doc)).toBe(
      false,
    );
    expect(await writer.update(SHOP, main.id, () => route(9090).document)).toBe(
      true,
    );
    expect(
      await writer.sortByMark(SHOP, [main.id, api.id, 'dockerenv_shop_gone']),
    ).toEqual({ ours: [main.id], others: [api.id] });
  });

  it('changes a file only holding its lock, keyed by environment and route file', async () => {
    const held: string[] = [];
    const lock: RouteLock = async (environmentId, key, work) => {
      held.push(`${environmentId} ${key}`);
      return work();
    };
    const locked = writer.withLock(lock);
    const { id, document } = route(8080);
    await locked.write(SHOP, id, document);
    await locked.update(SHOP, id, () => route(9090).document);
    await locked.remove(SHOP, id);
    expect(held).toEqual([
      'env-shop dockerenv_shop',
      'env-shop dockerenv_shop',
      'env-shop dockerenv_shop',
    ]);
    const refusing: RouteLock = async () => {
      throw new ConflictError('held');
    };
    await expect(
      writer.withLock(refusing).write(SHOP, id, document),
    ).rejects.toThrow('held');
    await expect(fs.access(file(id))).rejects.toThrow();
  });
});
