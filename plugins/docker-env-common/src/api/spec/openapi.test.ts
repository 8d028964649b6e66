import { spec } from './openapi';

describe('the OpenAPI spec', () => {
  it('resolves every $ref to a component schema', () => {
    const refs =
      JSON.stringify(spec).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) {
      expect(spec.components.schemas).toHaveProperty(ref.split('/').pop()!);
    }
  });
});
