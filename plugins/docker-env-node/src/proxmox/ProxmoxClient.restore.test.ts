import { InputError } from '@backstage/errors';
import { ProxmoxApiClient } from './ProxmoxApiClient';
import type { PveRequester } from './PveTransport';

/** Restore and backup delete: checked input, the parameters PVE gets, and a volume already gone. */
describe('ProxmoxApiClient restore and backup delete', () => {
  const ENV = '0b5c6a3e-8a4f-4c57-9d1f-6c1e2f3a4b5c';
  const UPID = 'UPID:pve:00001234:00ABCDEF:65000000:vzrestore:101:root@pam!t:';
  let calls: Array<{ method: string; path: string; params?: unknown }>;
  let answer: (path: string) => unknown;
  const transport: PveRequester = {
    async request(method, path, params) {
      calls.push({ method, path, params });
      return answer(path);
    },
  };
  const client = new ProxmoxApiClient(transport, 'pve');
  beforeEach(() => {
    calls = [];
  });

  it('restores under a fresh id, new MACs, our tags and description mark', async () => {
    answer = path => {
      if (path === '/cluster/resources') return [];
      if (path === '/cluster/nextid') return '101';
      return UPID;
    };
    const result = await client.restoreFromBackup({
      volid: 'backup:backup/vzdump-lxc-100-2026_12_01-10_00_00.tar.zst',
      hostname: 'back',
      environmentId: ENV,
      description: 'restored',
    });
    expect(result).toMatchObject({ vmid: 101, upid: UPID, existing: false });
    expect(calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/nodes/pve/lxc',
      params: {
        vmid: 101,
        ostemplate: 'backup:backup/vzdump-lxc-100-2026_12_01-10_00_00.tar.zst',
        restore: true,
        unique: true,
        hostname: 'back',
        tags: `docker-env;docker-env-${ENV}`,
        description: expect.stringContaining(ENV),
      },
    });
  });

  it.each(['local:vztmpl/debian.tar.zst', 'backup:backup/../x', '../etc'])(
    'refuses volid %j naming the field, before any request',
    async volid => {
      await expect(
        client.restoreFromBackup({ volid, hostname: 'b', environmentId: ENV }),
      ).rejects.toThrow(InputError);
      await expect(client.deleteBackup(volid)).rejects.toThrow(/^volid: /);
      expect(calls).toEqual([]);
    },
  );
});
