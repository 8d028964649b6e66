import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GitLabApplication, GitLabUser } from './model';

/**
 * GitLab as an OAuth 2.0 provider (GitLab's Doorkeeper), written from GitLab's documentation:
 * - "OAuth 2.0 identity provider API", https://docs.gitlab.com/api/oauth2/ : the authorization code
 *   flow (`GET /oauth/authorize` with client_id, redirect_uri, response_type=code, state, scope, and the
 *   optional PKCE code_challenge / code_challenge_method=S256), `POST /oauth/token` with
 *   grant_type=authorization_code (client_id, client_secret, code, redirect_uri, code_verifier) or
 *   grant_type=refresh_token, answering `{access_token, token_type: "Bearer", expires_in: 7200,
 *   refresh_token, scope, created_at}`; access tokens expire after two hours; a refresh token is used once.
 * - "Configure GitLab as an OAuth 2.0 authentication identity provider",
 *   https://docs.gitlab.com/integration/oauth_provider/ : applications have an ID, a secret, callback
 *   URLs (one a line) and scopes; a *trusted* application skips the user's authorization step.
 * - Doorkeeper's RFC 6749 error bodies (`{"error": "invalid_grant", "error_description": ...}`, 400;
 *   `invalid_client`, 401), as GitLab returns them.
 */
export const ACCESS_TOKEN_TTL_S = 7200;
const CODE_TTL_MS = 10 * 60 * 1000;

/** Doorkeeper's error descriptions (config/locales/doorkeeper.en.yml), as GitLab answers them. */
export const OAUTH_ERRORS = {
  invalid_client:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
  invalid_grant:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  invalid_request: 'Missing required parameter.',
  unsupported_grant_type:
    'The authorization grant type is not supported by the authorization server.',
  invalid_redirect_uri:
    "The requested redirect uri is malformed or doesn't match client redirect URI.",
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  unsupported_response_type:
    'The authorization server does not support this response type.',
} as const;

/** An OAuth error: the RFC 6749 code and the HTTP status GitLab answers it with. */
export class OAuthError extends Error {
  constructor(readonly code: keyof typeof OAUTH_ERRORS, readonly status = 400) {
    super(OAUTH_ERRORS[code]);
  }
  /** The JSON body of `/oauth/token` errors. */
  get body() {
    return { error: this.code, error_description: this.message };
  }
}

interface Grant {
  appUid: string;
  userId: number;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  challenge?: string;
}

/** An access token as `/api/v4/*` sees it. */
export interface AccessGrant {
  userId: number;
  appUid: string;
  scopes: string[];
  expiresAt: number;
}

function token(bytes = 32) {
  return randomBytes(bytes).toString('hex');
}

function sameSecret(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The provider's grants: authorization codes, access and refresh tokens (in memory). */
export class OAuthProvider {
  private readonly codes = new Map<string, Grant>();
  private readonly access = new Map<string, AccessGrant>();
  private readonly refresh = new Map<string, AccessGrant>();

  constructor(
    private readonly applications: GitLabApplication[],
    private readonly now: () => number = Date.now,
  ) {}

  /** The application of `client_id`, checked against the redirect URI and scopes asked for. */
  authorizeRequest(q: Record<string, unknown>) {
    const app = this.applications.find(a => a.uid === q.client_id);
    if (!app) throw new OAuthError('invalid_client', 401);
    const redirectUri = String(q.redirect_uri ?? '');
    if (!app.redirectUris.includes(redirectUri))
      throw new OAuthError('invalid_redirect_uri');
    return { app, redirectUri };
  }

  /** A code for a signed-in user (trusted applications skip the consent page). */
  issueCode(
    app: GitLabApplication,
    user: GitLabUser,
    q: Record<string, unknown>,
  ): string {
    if (q.response_type !== 'code')
      throw new OAuthError('unsupported_response_type');
    const scopes = String(q.scope ?? app.scopes.join(' '))
      .split(/[\s+]+/)
      .filter(Boolean);
    if (scopes.some(s => !app.scopes.includes(s)))
      throw new OAuthError('invalid_scope');
    if (q.code_challenge !== undefined && q.code_challenge_method !== 'S256')
      throw new OAuthError('invalid_request');
    const code = token();
    this.codes.set(code, {
      appUid: app.uid,
      userId: user.id,
      redirectUri: String(q.redirect_uri),
      scopes,
      expiresAt: this.now() + CODE_TTL_MS,
      challenge:
        typeof q.code_challenge === 'string' ? q.code_challenge : undefined,
    });
    return code;
  }

  private client(body: Record<string, unknown>, basic?: string) {
    let id = body.client_id as string | undefined;
    let secret = body.client_secret as string | undefined;
    if (basic?.startsWith('Basic ')) {
      const [u, p] = Buffer.from(basic.slice(6), 'base64')
        .toString('utf8')
        .split(':');
      id = decodeURIComponent(u);
      secret = decodeURIComponent(p ?? '');
    }
    const app = this.applications.find(a => a.uid === id);
    if (!app || !secret || !sameSecret(secret, app.secret))
      throw new OAuthError('invalid_client', 401);
    return app;
  }

  private grant(g: AccessGrant) {
    const accessToken = token();
    const refreshToken = token();
    const createdAt = Math.floor(this.now() / 1000);
    const live = { ...g, expiresAt: this.now() + ACCESS_TOKEN_TTL_S * 1000 };
    this.access.set(accessToken, live);
    this.refresh.set(refreshToken, live);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_S,
      refresh_token: refreshToken,
      scope: g.scopes.join(' '),
      created_at: createdAt,
    };
  }

  /** `POST /oauth/token`: exchanges a code or a refresh token (each usable once). */
  exchange(body: Record<string, unknown>, authorization?: string) {
    const app = this.client(body, authorization);
    if (body.grant_type === 'authorization_code') {
      const code = String(body.code ?? '');
      const g = this.codes.get(code);
      this.codes.delete(code);
      if (
        !g ||
        g.appUid !== app.uid ||
        g.expiresAt < this.now() ||
        g.redirectUri !== body.redirect_uri
      )
        throw new OAuthError('invalid_grant');
      if (g.challenge) {
        const verifier = String(body.code_verifier ?? '');
        const digest = createHash('sha256')
          .update(verifier)
          .digest('base64url');
        if (digest !== g.challenge) throw new OAuthError('invalid_grant');
      }
      return this.grant(g);
    }
    if (body.grant_type === 'refresh_token') {
      const rt = String(body.refresh_token ?? '');
      const g = this.refresh.get(rt);
      this.refresh.delete(rt);
      if (!g || g.appUid !== app.uid) throw new OAuthError('invalid_grant');
      return this.grant(g);
    }
    throw new OAuthError('unsupported_grant_type');
  }

  /** The live grant of an access token, or undefined (unknown or expired). */
  lookup(accessToken: string): AccessGrant | undefined {
    const g = this.access.get(accessToken);
    if (!g || g.expiresAt < this.now()) return undefined;
    return g;
  }
}
