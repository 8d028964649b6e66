import type { PortainerState } from './model';
import { type AddRoute, field, isReply, parseJson, perr } from './reply';

/** Portainer's settings the lab keeps: the authentication method and the LDAP settings. */
export interface PtSettings {
  /** 1 internal, 2 LDAP, 3 OAuth. */
  AuthenticationMethod: number;
  LDAPSettings: Record<string, unknown>;
}

/** A fresh Portainer: internal authentication, LDAP unset. */
export function defaultSettings(): PtSettings {
  return {
    AuthenticationMethod: 1,
    LDAPSettings: {
      AnonymousMode: true,
      AutoCreateUsers: true,
      TLSConfig: { TLS: false, TLSSkipVerify: false },
      SearchSettings: [{ BaseDN: '', Filter: '', UserNameAttribute: '' }],
      GroupSearchSettings: [
        { GroupBaseDN: '', GroupFilter: '', GroupAttribute: '' },
      ],
    },
  };
}

/**
 * `GET|PUT /api/settings` (admin only, as every non-public route of the lab): the update merges the
 * given members (Go decodes the payload case-insensitively); the answer never carries the LDAP
 * reader password, as Portainer blanks it.
 */
export function mountSettingsRoutes(r: AddRoute, state: PortainerState) {
  const current = () => (state.settings ??= defaultSettings());
  const render = () => {
    const s = current();
    const { Password: _p, ...ldap } = s.LDAPSettings;
    return { AuthenticationMethod: s.AuthenticationMethod, LDAPSettings: ldap };
  };
  r('get', '/api/settings', 'portainer.settings.get', () => ({
    status: 200,
    body: render(),
  }));
  r('put', '/api/settings', 'portainer.settings.update', req => {
    const body = parseJson(req);
    if (isReply(body)) return body;
    const method = field(body, 'authenticationMethod');
    if (method !== undefined && ![1, 2, 3].includes(method as number))
      return perr(
        400,
        'Invalid request payload',
        'Invalid authentication method value. Value must be one of: 1 (internal), 2 (LDAP/AD) or 3 (OAuth)',
      );
    const ldap = field(body, 'ldapsettings');
    const s = current();
    if (method !== undefined) s.AuthenticationMethod = method as number;
    if (ldap && typeof ldap === 'object')
      s.LDAPSettings = { ...s.LDAPSettings, ...(ldap as object) };
    return { status: 200, body: render() };
  });
}
