import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshClient } from '../ssh';
import { sshdTestEnv } from '@docker-env/lab-testing/clients/sshdTestEnv';
import { buildRouteDocument } from './buildRouteDocument';
import { LocalRouteStore } from './LocalRouteStore';
import { SftpRouteStore } from './SftpRouteStore';
import { traefikSchemaValidator } from '@docker-env/lab';
import { RouteSpec } from './types';

// Against the real OpenSSH server from scripts/services/sshd.sh; the "remote" directory is a
// local temp dir, so the files can be compared byte for byte with LocalRouteStore's.
const env = sshdTestEnv();
const validate = traefikSchemaValidator();
const settings = {
  baseDomain: 'docker.example.com',
  certResolver: 'le',
  wildcardCertificate: true,
};
const specs: RouteSpec[] = [
  {
    environment: 'shop',
    target: { kind: 'backend', backend: { ip: '10.0.0.5', port: 8080 } },
  },
  {
    environment: 'shop',
    name: 'api',
    pathPrefix: '/api',
    target: {
      kind: 'backend',
      backend: { ip: '10.0.0.5', port: 3000 },
      healthCheck: { path: '/health', interval: '5s', timeout: '2s' },
    },
  },
  {
    environment: 'blog',
    target: {
      kind: 'blueGreen',
      blue: { ip: '10.0.0.7', port: 80 },
      green: { ip: '10.0.0.8', port: 80 },
      weights: { blue: 50, green: 50 },
    },
  },
];

describe('SftpRouteStore against a real sshd', () => {
  let ssh: SshClient;
  let remoteDir: string;
  let localDir: string;
  let sftpStore: SftpRouteStore;
  let localStore: LocalRouteStore;

  beforeAll(() => {
    ssh = new SshClient({ ...env, hostKeySha256: env.hostKeySha256 });
  });
  afterAll(async () => {
    await ssh.dispose();
  });
  beforeEach(async () => {
    remoteDir = await fs.mkdtemp(path.join(os.tmpdir(), 'traefik-sftp-'));
    localDir = await fs.mkdtemp(path.join(os.tmpdir(), 'traefik-local-'));
    sftpStore = new SftpRouteStore(ssh, remoteDir);
    localStore = new LocalRouteStore(localDir);
  });
  afterEach(async () => {
    await fs.rm(remoteDir, { recursive: true, force: true });
    await fs.rm(localDir, { recursive: true, force: true });
  });

  it('writes the same bytes as the local store, with no temp files left', async () => {
    for (const spec of specs) {
      const { id, document } = buildRouteDocument(spec, settings);
      await sftpStore.put(id, document, 'env-1');
      await localStore.put(id, document, 'env-1');
      const remote = await fs.readFile(
        path.join(remoteDir, `${id}.yml`),
        'utf8',
      );
      expect(remote).toBe(
        await fs.readFile(path.join(localDir, `${id}.yml`), 'utf8'),
      );
      expect(await sftpStore.get(id)).toEqual(document);
      expect(validate(await sftpStore.get(id))).toEqual([]);
    }
    expect((await fs.readdir(remoteDir)).sort()).toEqual([
      'dockerenv_blog.yml',
      'dockerenv_shop.yml',
      'dockerenv_shop_api.yml',
    ]);
    expect(await sftpStore.list()).toEqual(await localStore.list());
  });

  it('switches blue-green in one replace and removes idempotently', async () => {
    const spec = specs[2] as RouteSpec & { target: { kind: 'blueGreen' } };
    const first = buildRouteDocument(spec, settings);
    await sftpStore.put(first.id, first.document, 'env-1');
    const switched = buildRouteDocument(
      { ...spec, target: { ...spec.target, weights: { blue: 0, green: 100 } } },
      settings,
    );
    await sftpStore.put(switched.id, switched.document, 'env-1');
    const read = await sftpStore.get(first.id);
    expect(read!.http.services!.dockerenv_blog).toEqual({
      weighted: { services: [{ name: 'dockerenv_blog-green', weight: 100 }] },
    });
    expect(await fs.readdir(remoteDir)).toEqual(['dockerenv_blog.yml']);
    expect(await sftpStore.remove(first.id)).toBe(true);
    expect(await sftpStore.remove(first.id)).toBe(false);
    expect(await sftpStore.get(first.id)).toBeUndefined();
    expect(await fs.readdir(remoteDir)).toEqual([]);
  });

  it('refuses hostile ids and invalid documents with nothing written', async () => {
    const { document } = buildRouteDocument(specs[0], settings);
    for (const id of ['../escape', 'a`b', '.x', 'a/b']) {
      await expect(sftpStore.put(id, document, 'env-1')).rejects.toThrow(
        InputError,
      );
    }
    await expect(
      sftpStore.put('dockerenv_x', { http: { routers: {} } }, 'env-1'),
    ).rejects.toThrow(/empty map/);
    expect(await fs.readdir(remoteDir)).toEqual([]);
    expect(await fs.readdir(path.dirname(remoteDir))).not.toContain(
      'escape.yml',
    );
    expect(() => new SftpRouteStore(ssh, 'relative')).toThrow(InputError);
  });
});
