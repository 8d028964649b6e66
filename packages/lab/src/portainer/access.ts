import { randomBytes } from 'node:crypto';
import type express from 'express';
import { type PortainerState, renderUser } from './model';
import {
  type AddRoute,
  badId,
  field,
  findById,
  isReply,
  notFound,
  parseJson,
  perr,
  type Reply,
} from './reply';

/** `POST /api/auth {username, password}`: a JWT for the user (names compare case-insensitively). */
export function authenticate(
  state: PortainerState,
  req: express.Request,
  jwts: Map<string, number>,
): Reply {
  const body = parseJson(req);
  if (isReply(body)) return body;
  const username = field(body, 'username');
  const password = field(body, 'password');
  if (typeof username !== 'string' || username === '') {
    return perr(400, 'Invalid request payload', 'Invalid username');
  }
  if (typeof password !== 'string' || password === '') {
    return perr(400, 'Invalid request payload', 'Invalid password');
  }
  const user = state.users.find(
    u => u.Username.toLowerCase() === username.toLowerCase(),
  );
  if (!user || user.password !== password) {
    return perr(422, 'Invalid credentials', 'Unauthorized');
  }
  const jwt = randomBytes(32).toString('base64url');
  jwts.set(jwt, user.Id);
  return { status: 200, body: { jwt } };
}

/** Runs `fn` on the team of `req.params.id`, or answers its 400/404. */
export function withTeam(
  state: PortainerState,
  req: express.Request,
  fn: (t: PortainerState['teams'][number]) => Reply,
): Reply {
  const t = findById(state.teams, req.params.id, 'team', 'a team');
  return isReply(t) ? t : fn(t);
}

/** `POST /api/teams {name, teamLeaders}`: 409 for a name in use; leaders become members (role 1). */
export function createTeam(
  state: PortainerState,
  req: express.Request,
  nextId: (kind: string) => number,
): Reply {
  const body = parseJson(req);
  if (isReply(body)) return body;
  const name = field(body, 'name');
  if (typeof name !== 'string' || name.length === 0) {
    return perr(400, 'Invalid request payload', 'Invalid team name');
  }
  if (state.teams.some(t => t.Name === name)) {
    return perr(
      409,
      'A team with the same name already exists',
      'Team already exists',
    );
  }
  const team = { Id: nextId('team'), Name: name };
  state.teams.push(team);
  const leaders = field(body, 'teamLeaders');
  if (Array.isArray(leaders)) {
    for (const userId of leaders) {
      if (typeof userId === 'number') {
        state.memberships.push({
          Id: nextId('membership'),
          UserID: userId,
          TeamID: team.Id,
          Role: 1,
        });
      }
    }
  }
  return { status: 200, body: team };
}

/** `POST /api/team_memberships {userID, teamID, role}`: 409 for a pair already registered. */
export function createMembership(
  state: PortainerState,
  req: express.Request,
  nextId: (kind: string) => number,
): Reply {
  const body = parseJson(req);
  if (isReply(body)) return body;
  const userId = field(body, 'userID');
  const teamId = field(body, 'teamID');
  const role = field(body, 'role');
  if (!userId) return perr(400, 'Invalid request payload', 'Invalid UserID');
  if (!teamId) return perr(400, 'Invalid request payload', 'Invalid TeamID');
  if (role !== 1 && role !== 2) {
    return perr(
      400,
      'Invalid request payload',
      'Invalid role value. Value must be one of: 1 (leader) or 2 (member)',
    );
  }
  if (typeof userId !== 'number' || typeof teamId !== 'number') {
    return perr(
      400,
      'Invalid request payload',
      'json: cannot unmarshal string into Go struct field of type int',
    );
  }
  if (state.memberships.some(m => m.UserID === userId && m.TeamID === teamId)) {
    return perr(
      409,
      'Team membership already registered',
      'Team membership already exists for this user and team',
    );
  }
  const m = {
    Id: nextId('membership'),
    UserID: userId,
    TeamID: teamId,
    Role: role,
  };
  state.memberships.push(m);
  return { status: 200, body: m };
}

/** Mounts the team, team membership and user routes. */
export function mountAccessRoutes(
  r: AddRoute,
  state: PortainerState,
  nextId: (kind: string) => number,
) {
  r('get', '/api/teams', 'portainer.team.list', () => ({
    status: 200,
    body: state.teams,
  }));
  r('post', '/api/teams', 'portainer.team.create', req =>
    createTeam(state, req, nextId),
  );
  r('get', '/api/teams/:id', 'portainer.team.get', req =>
    withTeam(state, req, t => ({ status: 200, body: t })),
  );
  r('delete', '/api/teams/:id', 'portainer.team.delete', req =>
    withTeam(state, req, t => {
      state.teams = state.teams.filter(x => x.Id !== t.Id);
      state.memberships = state.memberships.filter(m => m.TeamID !== t.Id);
      for (const e of state.endpoints)
        delete e.TeamAccessPolicies[String(t.Id)];
      return { status: 204 };
    }),
  );
  r('get', '/api/teams/:id/memberships', 'portainer.team.memberships', req => {
    if (!/^\d+$/.test(req.params.id)) return badId('team', req.params.id);
    return {
      status: 200,
      body: state.memberships.filter(m => m.TeamID === Number(req.params.id)),
    };
  });
  r('get', '/api/team_memberships', 'portainer.membership.list', () => ({
    status: 200,
    body: state.memberships,
  }));
  r('post', '/api/team_memberships', 'portainer.membership.create', req =>
    createMembership(state, req, nextId),
  );
  r(
    'delete',
    '/api/team_memberships/:id',
    'portainer.membership.delete',
    req => {
      const m = state.memberships.find(x => String(x.Id) === req.params.id);
      if (!m) return notFound('a team membership');
      state.memberships = state.memberships.filter(x => x.Id !== m.Id);
      return { status: 204 };
    },
  );
  r('get', '/api/users', 'portainer.user.list', () => ({
    status: 200,
    body: state.users.map(renderUser),
  }));
  r('get', '/api/users/:id', 'portainer.user.get', req => {
    const u = state.users.find(x => String(x.Id) === req.params.id);
    if (!u) return notFound('a user');
    return { status: 200, body: renderUser(u) };
  });
}
