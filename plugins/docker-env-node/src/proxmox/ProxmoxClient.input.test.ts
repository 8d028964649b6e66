import { InputError } from '@backstage/errors';
import { ProxmoxApiClient } from './ProxmoxApiClient';
import type { PveRequester } from './PveTransport';
import type { LxcFirewallRule } from './types';

/** Bad input is refused with an error naming the field and the rule, before any request is made. */
describe('ProxmoxApiClient refuses bad input before any request', () => {
  const requests: string[] = [];
  const transport: PveRequester = {
    async request(method, path) {
      requests.push(`${method} ${path}`);
      throw new Error('no request expected');
    },
  };
  const client = new ProxmoxApiClient(transport, 'pve');
  const rule = (extra: Partial<LxcFirewallRule>) =>
    client.createFirewallRule(100, { type: 'in', action: 'ACCEPT', ...extra });

  const badNames = [
    'a"b',
    'a`b',
    'a b',
    'a\nb',
    '..',
    '../x',
    'ünïcode',
    'x'.repeat(64),
    '',
    "a'b",
    'a;b',
    'UPPER',
    '-lead',
  ];
  const badVmids: unknown[] = [99, 1_000_000_000, 100.5, Number.NaN, '100', -1];

  it.each(badNames)('hostname %j', async name => {
    const before = requests.length;
    await expect(
      client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: name,
        environmentId: 'env-1',
      }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      client.findContainer({ hostname: name }),
    ).rejects.toBeInstanceOf(InputError);
    expect(requests.length).toBe(before);
  });

  it.each([
    ...badNames.filter(n => n !== 'UPPER'),
    'current',
    '1abc',
    'a'.repeat(41),
  ])('snapshot name %j', async name => {
    await expect(client.createSnapshot(100, name)).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(client.deleteSnapshot(100, name)).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(client.rollbackSnapshot(100, name)).rejects.toBeInstanceOf(
      InputError,
    );
    expect(requests).toEqual([]);
  });

  it.each(badVmids)('vmid %j', async vmid => {
    await expect(client.getStatus(vmid as number)).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(client.destroy(vmid as number)).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(
      client.cloneFromTemplate({
        templateVmid: vmid as number,
        hostname: 'ok',
        environmentId: 'env-1',
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(requests).toEqual([]);
  });

  it('other fields', async () => {
    await expect(client.resizeDisk(100, -1)).rejects.toThrow(
      'addGiB: must be a whole number',
    );
    await expect(client.resizeDisk(100, 0)).rejects.toBeInstanceOf(InputError);
    await expect(client.waitForTask('UPID:pve:../../etc')).rejects.toThrow(
      /^upid:/,
    );
    await expect(
      client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'ok',
        environmentId: 'env-1',
        pool: 'a b',
      }),
    ).rejects.toThrow(/^pool:/);
    await expect(
      client.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'ok',
        environmentId: 'env-1',
        description: 'x\u0000',
      }),
    ).rejects.toThrow(/^description:/);
    await expect(client.updateConfig(100, { tags: ['a;b'] })).rejects.toThrow(
      /^tags\[0\]:/,
    );
    await expect(client.updateConfig(100, { cores: 0 })).rejects.toThrow(
      /^cores:/,
    );
    await expect(rule({ dport: '80;rm' })).rejects.toThrow(/^dport:/);
    await expect(rule({ source: '1.2.3.4`' })).rejects.toThrow(/^source:/);
    await expect(rule({ comment: 'a\nb' })).rejects.toThrow(/^comment:/);
    const osTemplate = {
      ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
      hostname: 'ok',
      environmentId: 'env-1',
      cores: 1,
      memoryMiB: 512,
      swapMiB: 0,
      storage: 'local-lvm',
      diskGiB: 4,
    };
    await expect(
      client.createFromOsTemplate({
        ...osTemplate,
        ostemplate: 'local:vztmpl/../../etc/passwd.tar.gz',
      }),
    ).rejects.toThrow(/^ostemplate:/);
    await expect(
      client.createFromOsTemplate({
        ...osTemplate,
        sshPublicKeys: ['ssh-ed25519 AAAA\nssh-rsa BBBB'],
      }),
    ).rejects.toThrow(/^sshPublicKeys\[0\]:/);
    expect(() => new ProxmoxApiClient(transport, 'pve;rm')).toThrow(/^node:/);
    expect(requests).toEqual([]);
  });
});
