/** A user of the lab's GitLab. */
export interface GitLabUser {
  id: number;
  username: string;
  name: string;
  email: string;
  password: string;
}

/** An OAuth application registered in the lab's GitLab (Admin > Applications). */
export interface GitLabApplication {
  /** The "Application ID" (`client_id`). */
  uid: string;
  /** The "Secret" (`client_secret`). */
  secret: string;
  /** Callback URLs; the redirect_uri must be one of them exactly. */
  redirectUris: string[];
  /** Scopes the application may ask for, e.g. `read_user`. */
  scopes: string[];
}

/**
 * `GET /api/v4/user` for a normal user (https://docs.gitlab.com/api/users/#get-the-current-user):
 * the fields Backstage's GitLab provider (passport-gitlab2) reads and the common ones beside them.
 */
export function renderCurrentUser(u: GitLabUser, webBase: string) {
  return {
    id: u.id,
    username: u.username,
    public_email: u.email,
    name: u.name,
    state: 'active',
    locked: false,
    avatar_url: `${webBase}/uploads/-/system/user/avatar/${u.id}/avatar.png`,
    web_url: `${webBase}/${u.username}`,
    created_at: '2024-01-15T09:00:00.000Z',
    bio: '',
    location: '',
    job_title: '',
    bot: false,
    last_sign_in_at: null,
    confirmed_at: '2024-01-15T09:00:00.000Z',
    email: u.email,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
  };
}
