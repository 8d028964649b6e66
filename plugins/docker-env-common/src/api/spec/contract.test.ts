import before from './__fixtures__/contract-before-issue-18.json';
import { spec } from './openapi';

type Json = Record<string, any>;

/** Follows a `#/components/schemas/X` reference (one level is enough: components do not point at components). */
function resolve(schema: Json | undefined): Json | undefined {
  const ref: string | undefined = schema?.$ref;
  if (!ref) return schema;
  return (spec.components.schemas as Json)[ref.split('/').pop()!];
}

/** The outline of a body: its type, its `$ref`, its required keys, and the same for array items. */
function outline(schema: Json | undefined): Json | null {
  if (!schema) return null;
  const resolved = resolve(schema)!;
  return {
    ...(schema.$ref ? { ref: schema.$ref.split('/').pop() } : {}),
    type: resolved.type ?? null,
    required: [...(resolved.required ?? [])].sort(),
    ...(resolved.items ? { items: outline(resolved.items) } : {}),
    ...(resolved.properties?.items?.type === 'array'
      ? { list: outline(resolved.properties.items) }
      : {}),
  };
}

/** What a caller of the API depends on: per route, its parameters, whether it takes a body, each status and body outline. */
function contractOf(doc: Json): Json {
  const routes: Json = {};
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      routes[`${method.toUpperCase()} ${path}`] = {
        parameters: (operation.parameters ?? [])
          .map((p: Json) => `${p.in}:${p.name}${p.required ? '!' : ''}`)
          .sort(),
        requestBody: operation.requestBody
          ? outline(operation.requestBody.content?.['application/json']?.schema)
          : null,
        responses: Object.fromEntries(
          Object.entries<Json>(operation.responses).map(([status, r]) => [
            status,
            outline(r.content?.['application/json']?.schema),
          ]),
        ),
      };
    }
  }
  return routes;
}

/**
 * The routes issue 18 changed on purpose (CHANGELOG.md, "Every list answers `{items}`"): they answered a bare array
 * and now answer `{items}` like every other list, the same items inside.
 */
const LISTS_NOW_WRAPPED = [
  'GET /environments/{name}/tokens',
  'GET /environments/{name}/deployments',
];

/**
 * Keys an answer always carried that the spec now says are required (issue 18 types the clients from the spec): the
 * answers are unchanged. The created token is in `DeployTokens.create`'s answer by construction.
 */
const NOW_STATED_REQUIRED: Record<string, Record<string, string[]>> = {
  'POST /environments/{name}/tokens': { '201': ['token'] },
};

/** `before` with the keys of {@link NOW_STATED_REQUIRED} added. */
function withStatedKeys(route: string, expected: Json): Json {
  const stated = NOW_STATED_REQUIRED[route];
  if (!stated) return expected;
  const responses = { ...expected.responses };
  for (const [status, keys] of Object.entries(stated)) {
    responses[status] = {
      ...responses[status],
      required: [...responses[status].required, ...keys].sort(),
    };
  }
  return { ...expected, responses };
}

/**
 * Issue 22 pages the operations list (CHANGELOG.md, "The operations list pages"): two optional query parameters, and
 * `nextCursor` in every answer; a caller that reads `items` is unchanged.
 */
const NOW_PAGED = ['GET /environments/{name}/operations'];

/** `before` with the paging of {@link NOW_PAGED} added. */
function withPaging(route: string, expected: Json): Json {
  if (!NOW_PAGED.includes(route)) return expected;
  return {
    ...expected,
    parameters: [...expected.parameters, 'query:cursor', 'query:limit'].sort(),
    responses: {
      ...expected.responses,
      '200': {
        ...expected.responses['200'],
        required: [...expected.responses['200'].required, 'nextCursor'].sort(),
      },
    },
  };
}

/** Routes added since, each additive (CHANGELOG.md): issue 30's usage and owners over their quota. */
// issue 24 adds `POST /team-sync` (the admin's "sync now" of the Portainer team sync); issue 31 the alerts and their
// rules
const ADDED = [
  'GET /environments/{name}/usage',
  'GET /quotas/over',
  'POST /team-sync',
  'GET /alerts',
  'GET /environments/{name}/alert-rules',
  'PUT /environments/{name}/alert-rules',
];

/**
 * Issue 30 resizes through `PATCH /environments/{name}` (CHANGELOG.md, "Usage graphs and resize"): `expiresOn` is no
 * longer the one required field (a resize sends `size` or resources instead) and a resize answers 202; an extension
 * is answered as before.
 */
function withResize(route: string, expected: Json): Json {
  if (route !== 'PATCH /environments/{name}') return expected;
  return {
    ...expected,
    requestBody: { ...expected.requestBody, required: [] },
    responses: {
      ...expected.responses,
      '202': { type: 'object', required: ['environment', 'operation'] },
    },
  };
}

/** What `route` must be now: as before, with the documented changes. */
function expectedNow(route: string): Json {
  const expected = withResize(
    route,
    withPaging(route, withStatedKeys(route, (before as Json)[route])),
  );
  if (!LISTS_NOW_WRAPPED.includes(route)) return expected;
  return {
    ...expected,
    responses: {
      ...expected.responses,
      '200': {
        type: 'object',
        required: ['items'],
        list: expected.responses['200'],
      },
    },
  };
}

describe('the HTTP contract', () => {
  const now = contractOf(spec);

  it('has the same routes as before issue 18', () => {
    expect(Object.keys(now).sort()).toEqual(
      [...Object.keys(before), ...ADDED].sort(),
    );
  });

  it.each(Object.keys(before))(
    '%s has the same parameters, body and answers as before',
    route => {
      expect(now[route]).toEqual(expectedNow(route));
    },
  );
});
