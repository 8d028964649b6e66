#!/usr/bin/env node
// Portainer's LDAP authentication, set through Portainer's API (docs/operations_guide.md, "Portainer").
// Two calls: PUT /api/settings, then GET /api/settings to read it back. Node 18+ (fetch), nothing else.
// Tested against the lab's Portainer (packages/backend/src/operatorFiles/portainerLdap.test.ts).
//
//   PORTAINER_URL=https://portainer.example.com:9443 PORTAINER_API_KEY=ptr_... \
//   LDAP_URL=ldap.example.com:636 LDAP_BIND_DN=cn=portainer,ou=services,dc=example,dc=com \
//   LDAP_BIND_PASSWORD=... LDAP_USER_BASE=ou=people,dc=example,dc=com node deploy/portainer/configure-ldap.mjs
//
// Optional: LDAP_TLS (1, default), LDAP_START_TLS (0), LDAP_USER_FILTER ((objectClass=inetOrgPerson)),
// LDAP_USER_ATTRIBUTE (uid). A private LDAP CA is uploaded in Portainer's UI.
//
// Group search stays empty on purpose: with it, Portainer adds LDAP users at each login to the Portainer
// teams named like their LDAP groups; the portal manages its own teams (teamPrefix, never a group's cn).

const env = name => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('PORTAINER_URL').replace(/\/+$/, '');
const headers = {
  'X-API-Key': env('PORTAINER_API_KEY'),
  'Content-Type': 'application/json',
};
const flag = (name, dflt) => (process.env[name] ?? dflt) === '1';

const settings = {
  authenticationMethod: 2,
  ldapsettings: {
    AnonymousMode: false,
    ReaderDN: env('LDAP_BIND_DN'),
    Password: env('LDAP_BIND_PASSWORD'),
    URL: env('LDAP_URL'),
    TLSConfig: { TLS: flag('LDAP_TLS', '1'), TLSSkipVerify: false },
    StartTLS: flag('LDAP_START_TLS', '0'),
    SearchSettings: [
      {
        BaseDN: env('LDAP_USER_BASE'),
        Filter: process.env.LDAP_USER_FILTER ?? '(objectClass=inetOrgPerson)',
        UserNameAttribute: process.env.LDAP_USER_ATTRIBUTE ?? 'uid',
      },
    ],
    GroupSearchSettings: [
      { GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' },
    ],
    AutoCreateUsers: true,
  },
};

async function call(method, path, body) {
  const res = await fetch(`${base}/api${path}`, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

await call('PUT', '/settings', settings);
const now = await call('GET', '/settings');
if (
  now.AuthenticationMethod !== 2 ||
  now.LDAPSettings?.URL !== settings.ldapsettings.URL
)
  throw new Error('Portainer did not keep the LDAP settings');
console.log(`Portainer authenticates against ${now.LDAPSettings.URL}`);
