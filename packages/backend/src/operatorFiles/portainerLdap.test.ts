import { PortainerSimulator, PORTAINER_LAB_API_KEY } from '@docker-env/lab';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoFile } from './__testUtils__/repoFiles';

const run = promisify(execFile);

// deploy/portainer/configure-ldap.mjs, the Portainer server's LDAP settings as API calls, run against
// the lab's Portainer (which checks each request against the pinned Portainer contract).
describe('deploy/portainer/configure-ldap.mjs against the lab', () => {
  let portainer: PortainerSimulator;
  beforeAll(async () => {
    portainer = await PortainerSimulator.start({
      latencyScale: 0,
      snapshotIntervalMs: 0,
    });
  });
  afterAll(() => portainer?.stop());

  const env = {
    PATH: process.env.PATH ?? '',
    PORTAINER_URL: '',
    PORTAINER_API_KEY: PORTAINER_LAB_API_KEY,
    LDAP_URL: 'ldap.example.com:636',
    LDAP_BIND_DN: 'cn=portainer,ou=services,dc=example,dc=com',
    LDAP_BIND_PASSWORD: 'reader-secret',
    LDAP_USER_BASE: 'ou=people,dc=example,dc=com',
  };

  it('switches Portainer to LDAP with the user search and no group sync', async () => {
    const url = portainer.url.replace(/\/api$/, '');
    const { stdout } = await run(
      process.execPath,
      [repoFile('deploy', 'portainer', 'configure-ldap.mjs')],
      { env: { ...env, PORTAINER_URL: url }, timeout: 30_000 },
    );
    expect(stdout).toContain(
      'Portainer authenticates against ldap.example.com:636',
    );
    const res = await fetch(`${portainer.url}/settings`, {
      headers: { 'X-API-Key': PORTAINER_LAB_API_KEY },
    });
    const settings = await res.json();
    expect(settings.AuthenticationMethod).toBe(2);
    expect(settings.LDAPSettings).toMatchObject({
      URL: 'ldap.example.com:636',
      ReaderDN: env.LDAP_BIND_DN,
      TLSConfig: { TLS: true, TLSSkipVerify: false },
      SearchSettings: [
        {
          BaseDN: env.LDAP_USER_BASE,
          Filter: '(objectClass=inetOrgPerson)',
          UserNameAttribute: 'uid',
        },
      ],
      GroupSearchSettings: [
        { GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' },
      ],
    });
    // Portainer never answers the reader's password
    expect(JSON.stringify(settings)).not.toContain('reader-secret');
  });

  it('fails loudly with a wrong API key', async () => {
    const url = portainer.url.replace(/\/api$/, '');
    await expect(
      run(
        process.execPath,
        [repoFile('deploy', 'portainer', 'configure-ldap.mjs')],
        {
          env: { ...env, PORTAINER_URL: url, PORTAINER_API_KEY: 'ptr_wrong' },
          timeout: 30_000,
        },
      ),
    ).rejects.toThrow(/PUT \/settings: 401/);
  });
});
