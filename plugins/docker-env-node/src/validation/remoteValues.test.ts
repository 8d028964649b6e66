import { InputError } from '@backstage/errors';
import {
  assertAbsolutePosixPath,
  assertGoDuration,
  assertHttpUrl,
  assertPort,
  assertPosixUsername,
  assertSha256Fingerprint,
  assertSshHost,
  assertTraefikName,
} from './remoteValues';

describe('remote value validators', () => {
  it.each<[string, (v: unknown, f: string) => unknown, unknown[], unknown[]]>([
    ['port', assertPort, [1, 22, 65535], [0, 65536, 22.5, '22']],
    [
      'fingerprint',
      assertSha256Fingerprint,
      [`SHA256:${'a'.repeat(43)}`, `SHA256:${'+/9'.repeat(14)}x=`],
      ['SHA256:abc', 'MD5:aa', `SHA256:${'a'.repeat(42)}\``],
    ],
    [
      'username',
      assertPosixUsername,
      ['root', 'deploy_1', '_svc'],
      ['Root', '1user', '-x', 'a b', 'a;id', 'x'.repeat(33)],
    ],
    [
      'ssh host',
      assertSshHost,
      ['127.0.0.1', 'pve-1.example.com', 'Host'],
      ['root@host', 'a b', 'host:22', '-oProxyCommand=x', ''],
    ],
    [
      'traefik name',
      assertTraefikName,
      ['websecure', 'auth@file', 'a_b-c'],
      ['a`b', 'a@', '@file', 'a b', 'a@File'],
    ],
    [
      'duration',
      assertGoDuration,
      ['10s', '1m30s', '500ms'],
      ['10', '10 s', '-1s', 's'],
    ],
    [
      'absolute path',
      assertAbsolutePosixPath,
      ['/etc/traefik/dynamic', '/'],
      ['rel', '/a/../b', '/a/./b', '/a\nb', '/a\0b'],
    ],
    [
      'http url',
      assertHttpUrl,
      [
        'http://127.0.0.1:8081/maintenance',
        'https://download.docker.com/linux/debian',
      ],
      [
        'ftp://x',
        'http://u:p@x',
        'http://x/?q=1',
        'http://x/a b',
        'http://x/a`b',
        'data:text/plain,x',
      ],
    ],
  ])('%s', (_, fn, good, bad) => {
    for (const v of good) expect(() => fn(v, 'field')).not.toThrow();
    for (const v of bad) expect(() => fn(v, 'field')).toThrow(InputError);
  });

  it('names the field and normalises', () => {
    expect(() => assertPort(0, 'ssh.port')).toThrow(/^ssh.port: /);
    expect(assertSha256Fingerprint(`SHA256:${'a'.repeat(43)}=`, 'f')).toBe(
      `SHA256:${'a'.repeat(43)}`,
    );
    expect(assertHttpUrl('https://mirror.example.com/docker/', 'f')).toBe(
      'https://mirror.example.com/docker',
    );
  });
});
