import { DOCKER_ENV_CLIENT_ROUTES } from '@docker-env/plugin-docker-env-common';
import { spec } from './openapi';

describe('the OpenAPI spec', () => {
  it.each(Object.entries(DOCKER_ENV_CLIENT_ROUTES))(
    'has the client route %s (%s)',
    (_name, route) => {
      const [method, path] = route.split(' ');
      const item = (spec.paths as Record<string, Record<string, unknown>>)[
        path
      ];
      expect(item).toBeDefined();
      expect(item[method.toLowerCase()]).toBeDefined();
    },
  );

  it('resolves every $ref to a component schema', () => {
    const refs =
      JSON.stringify(spec).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) {
      expect(spec.components.schemas).toHaveProperty(ref.split('/').pop()!);
    }
  });
});
