import { randomBytes } from 'node:crypto';
import type { GitLabSimulatorOptions } from './GitLabSimulator';

/** What startLab's `gitlab` option may set. */
export interface LabGitLabOptions {
  /** Port on 127.0.0.1; 0 or unset picks a free one. */
  port?: number;
  /** The portal's OAuth callback URLs; default the embedded default's backend handler. */
  redirectUris?: string[];
}

/** The embedded default's fixed GitLab values (lab values, not secrets; the TLS lab makes its own). */
export const GITLAB_LAB_APPLICATION = {
  uid: 'b1f0c4d2e3a4958671829304a5b6c7d8e9f00112233445566778899aabbccdd0',
  secret: 'gloas-lab0000000000000000000000000000000000000000000000000000000000',
};
const LAB_PASSWORD = 'labPassword1';
/** The lab GitLab's users: the directory's (LDAP) people and the embedded default's personas. */
const LAB_USERS = ['alice', 'bob', 'dev', 'admin'];

/**
 * The lab GitLab's users and portal application: fixed in the embedded default, made afresh
 * (application secret, passwords) in the TLS lab.
 */
export function labGitLabSetup(
  fresh: boolean,
  options: LabGitLabOptions = {},
): Omit<GitLabSimulatorOptions, 'tls' | 'port'> {
  const password = () =>
    fresh ? randomBytes(12).toString('base64url') : LAB_PASSWORD;
  return {
    users: LAB_USERS.map(username => ({
      username,
      name: username[0].toUpperCase() + username.slice(1),
      email: `${username}@docker-env.test`,
      password: password(),
    })),
    applications: [
      {
        uid: fresh
          ? randomBytes(32).toString('hex')
          : GITLAB_LAB_APPLICATION.uid,
        secret: fresh
          ? `gloas-${randomBytes(32).toString('hex')}`
          : GITLAB_LAB_APPLICATION.secret,
        redirectUris: options.redirectUris ?? [
          'http://localhost:7007/api/auth/gitlab/handler/frame',
        ],
        scopes: ['read_user', 'openid', 'profile', 'email'],
      },
    ],
  };
}
