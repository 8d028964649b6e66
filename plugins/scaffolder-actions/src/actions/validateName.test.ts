import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createValidateNameAction } from './validateName';

describe('docker-env:name:validate', () => {
  const action = createValidateNameAction();

  it('outputs a valid name', async () => {
    const ctx = createMockActionContext({ input: { name: 'team-api' } });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('name', 'team-api');
  });

  it('fails with the field and the rule for a bad name', async () => {
    const ctx = createMockActionContext({ input: { name: 'Bad_Name-' } });
    await expect(action.handler(ctx)).rejects.toThrow(
      'name: may contain only lowercase letters a-z, digits and hyphens; name: must start with a lowercase letter; name: must not end with a hyphen',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });
});
