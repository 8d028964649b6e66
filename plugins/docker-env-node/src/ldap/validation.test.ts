import { assertDn } from './validation';

describe('assertDn', () => {
  it('accepts a distinguished name', () => {
    expect(() =>
      assertDn('ldap.baseDn', 'ou=people,dc=example,dc=org'),
    ).not.toThrow();
  });

  it.each(['ou=people\u0000,dc=x', 'ou=a\nb', 'ou=a\u001fb', 'ou=a\u007fb'])(
    'refuses control characters in %j',
    value => {
      expect(() => assertDn('ldap.baseDn', value)).toThrow(
        /^ldap\.baseDn: must be a distinguished name/,
      );
    },
  );

  it('refuses a value without attr=value', () => {
    expect(() => assertDn('ldap.baseDn', 'people')).toThrow(/ldap\.baseDn/);
  });
});
