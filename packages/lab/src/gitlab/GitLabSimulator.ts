import express from 'express';
import { randomBytes } from 'node:crypto';
import { ClosableServer } from '../core/ClosableServer';
import {
  type GitLabApplication,
  type GitLabUser,
  renderCurrentUser,
} from './model';
import { OAuthError, OAuthProvider } from './oauth';

/** Options of {@link GitLabSimulator.start}. */
export interface GitLabSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this key and certificate; default plain HTTP. */
  tls?: { key: string; cert: string };
  /** Users who can sign in (ids from 1 in this order). */
  users: Array<Omit<GitLabUser, 'id'>>;
  /** The OAuth applications (the portal's). */
  applications: GitLabApplication[];
}

const SESSION_COOKIE = '_gitlab_session';

function escapeHtml(s: string) {
  return s.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );
}

function signInPage(returnTo: string, csrf: string, alert?: string) {
  return `<!DOCTYPE html><html><head><title>Sign in · GitLab</title></head><body>
${alert ? `<div class="flash-alert">${escapeHtml(alert)}</div>` : ''}
<form id="new_user" action="/users/sign_in" method="post">
<input type="hidden" name="authenticity_token" value="${csrf}">
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label for="user_login">Username or primary email</label><input id="user_login" name="user[login]" type="text">
<label for="user_password">Password</label><input id="user_password" name="user[password]" type="password">
<button type="submit" data-testid="sign-in-button">Sign in</button>
</form></body></html>`;
}

function cookies(req: express.Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/**
 * The lab's GitLab: sign-in (`/users/sign_in`, a session cookie), the OAuth 2.0 provider
 * (`/oauth/authorize`, `/oauth/token`, see ./oauth.ts for the documentation it follows) and
 * `GET /api/v4/user`, on 127.0.0.1. Applications are trusted (no consent page), as an
 * administrator marks the portal's application.
 */
export class GitLabSimulator {
  private readonly users: GitLabUser[];
  private readonly sessions = new Map<string, number>();
  private readonly csrf = new Set<string>();
  readonly oauth: OAuthProvider;
  /** Sign-ins and token exchanges, in order (for assertions). */
  readonly events: Array<{ kind: string; user?: string }> = [];

  private constructor(
    private readonly server: ClosableServer,
    /** Base URL, `http(s)://127.0.0.1:PORT` (Backstage's `audience`). */
    readonly url: string,
    options: GitLabSimulatorOptions,
  ) {
    this.users = options.users.map((u, i) => ({ ...u, id: i + 1 }));
    this.oauth = new OAuthProvider(options.applications);
  }

  /** Starts the simulator on 127.0.0.1. */
  static async start(
    options: GitLabSimulatorOptions,
  ): Promise<GitLabSimulator> {
    const app = express();
    const server = await ClosableServer.listen(
      app,
      '127.0.0.1',
      options.port ?? 0,
      { tls: options.tls },
    );
    const scheme = options.tls ? 'https' : 'http';
    const sim = new GitLabSimulator(
      server,
      `${scheme}://127.0.0.1:${server.port}`,
      options,
    );
    sim.mount(app);
    return sim;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await this.server.close();
  }

  private sessionUser(req: express.Request) {
    const id = this.sessions.get(cookies(req)[SESSION_COOKIE] ?? '');
    return this.users.find(u => u.id === id);
  }

  private mount(app: express.Express) {
    app.disable('x-powered-by');
    app.set('etag', false);
    const form = express.urlencoded({ extended: false, limit: '16kb' });

    app.get('/users/sign_in', (req, res) => {
      const csrf = randomBytes(16).toString('base64url');
      this.csrf.add(csrf);
      res
        .type('html')
        .send(signInPage(String(req.query.return_to ?? '/'), csrf));
    });
    app.post('/users/sign_in', form, (req, res) => {
      const body = req.body as Record<string, string>;
      const returnTo = String(body.return_to ?? '/');
      if (!this.csrf.delete(body.authenticity_token ?? '')) {
        res
          .status(422)
          .type('text')
          .send("Can't verify CSRF token authenticity.");
        return;
      }
      const login = String(body['user[login]'] ?? '');
      const user = this.users.find(
        u => u.username === login || u.email === login,
      );
      if (!user || user.password !== body['user[password]']) {
        const csrf = randomBytes(16).toString('base64url');
        this.csrf.add(csrf);
        res
          .status(200)
          .type('html')
          .send(signInPage(returnTo, csrf, 'Invalid login or password.'));
        return;
      }
      const sid = randomBytes(24).toString('hex');
      this.sessions.set(sid, user.id);
      this.events.push({ kind: 'sign-in', user: user.username });
      res.cookie(SESSION_COOKIE, sid, {
        httpOnly: true,
        path: '/',
        sameSite: 'lax',
        secure: this.url.startsWith('https:'),
      });
      // only our own paths: no open redirect
      res.redirect(
        302,
        returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/',
      );
    });

    app.get('/oauth/authorize', (req, res) => {
      const q = req.query as Record<string, unknown>;
      let checked;
      try {
        checked = this.oauth.authorizeRequest(q);
      } catch (e) {
        // no redirect to an unverified URI: GitLab shows the error page itself
        const err = e as OAuthError;
        res
          .status(err.status)
          .type('html')
          .send(
            `<h1>An error has occurred</h1><p>${escapeHtml(err.message)}</p>`,
          );
        return;
      }
      const user = this.sessionUser(req);
      if (!user) {
        res.redirect(
          302,
          `/users/sign_in?return_to=${encodeURIComponent(req.originalUrl)}`,
        );
        return;
      }
      const back = new URL(checked.redirectUri);
      try {
        back.searchParams.set(
          'code',
          this.oauth.issueCode(checked.app, user, q),
        );
      } catch (e) {
        const err = e as OAuthError;
        back.searchParams.set('error', err.code);
        back.searchParams.set('error_description', err.message);
      }
      if (typeof q.state === 'string') back.searchParams.set('state', q.state);
      res.redirect(302, back.toString());
    });

    app.post(
      '/oauth/token',
      form,
      express.json({ limit: '16kb' }),
      (req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        try {
          const answer = this.oauth.exchange(
            (req.body ?? {}) as Record<string, unknown>,
            req.headers.authorization,
          );
          this.events.push({ kind: 'token' });
          res.json(answer);
        } catch (e) {
          if (!(e instanceof OAuthError)) throw e;
          res.status(e.status).json(e.body);
        }
      },
    );

    app.get('/api/v4/user', (req, res) => {
      const auth = req.headers.authorization ?? '';
      const bearer = /^Bearer (.+)$/i.exec(auth)?.[1];
      // the API takes an OAuth token in the header or the access_token parameter (passport-gitlab2 uses the latter)
      const tokenText =
        bearer ??
        (typeof req.query.access_token === 'string'
          ? req.query.access_token
          : undefined);
      const grant = tokenText ? this.oauth.lookup(tokenText) : undefined;
      if (!grant) {
        res.status(401).json({ message: '401 Unauthorized' });
        return;
      }
      if (
        !grant.scopes.some(s => ['read_user', 'api', 'read_api'].includes(s))
      ) {
        res.status(403).json({
          error: 'insufficient_scope',
          error_description:
            'The request requires higher privileges than provided by the access token.',
          scope: 'api read_user',
        });
        return;
      }
      const user = this.users.find(u => u.id === grant.userId)!;
      res.json(renderCurrentUser(user, this.url));
    });
  }
}
