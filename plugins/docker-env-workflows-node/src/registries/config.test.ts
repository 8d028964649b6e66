import { ConfigReader } from '@backstage/config';
import { readOwnerRegistries, registriesOf } from './config';

const entry = {
  name: 'team-a-gitlab',
  owner: 'group:team-a',
  url: 'gitlab.example.com:5050',
  username: 'gitlab+deploy-token-12',
  password: 'gldt-secret',
};
const read = (registries: unknown) =>
  readOwnerRegistries(new ConfigReader({ dockerEnv: { registries } } as any));

describe('dockerEnv.registries', () => {
  it('reads each owner registry with its marked Portainer name and canonical owner', () => {
    expect(read([entry])).toEqual([
      {
        ...entry,
        portainerName: 'docker-env-registry-team-a-gitlab',
        owner: 'group:default/team-a',
      },
    ]);
    expect(readOwnerRegistries(new ConfigReader({}))).toEqual([]);
    expect(registriesOf(read([entry]), 'Group:default/Team-A')).toHaveLength(1);
    expect(registriesOf(read([entry]), 'group:default/team-b')).toEqual([]);
  });

  it.each([
    [{ name: 'Team_A' }, /registries\[0\]\.name: must be 1-40 lowercase/],
    [
      { owner: 'team-a' },
      /registries\[0\]\.owner: .*not a user or group entity ref/,
    ],
    [
      { url: 'https://gitlab.example.com' },
      /registries\[0\]\.url: must be host\[:port\]/,
    ],
    [{ username: 'a b' }, /registries\[0\]\.username: may contain only/],
    [
      { password: 'line\nbreak' },
      /registries\[0\]\.password: must not contain control characters/,
    ],
  ])('refuses %j naming the key and the rule', (bad, message) => {
    expect(() => read([{ ...entry, ...bad }])).toThrow(message);
  });

  it('refuses a name used twice and never echoes a password', () => {
    expect(() => read([entry, { ...entry, owner: 'group:team-b' }])).toThrow(
      'dockerEnv.registries[1].name: "team-a-gitlab" is used twice',
    );
    const e = (() => {
      try {
        read([{ ...entry, password: 'gldt-secret\u0000' }]);
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e?.message).not.toContain('gldt-secret');
  });
});
