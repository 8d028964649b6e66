import { mockServices } from '@backstage/backend-test-utils';
import type { Request } from 'express';
import { credentialsOutsideTokenRoutes, isTokenRoute } from './tokenRoutesAuth';

describe('the guard in front of the token routes', () => {
  it('matches the token routes in any case, as Express routes do', () => {
    expect(isTokenRoute('POST', '/Environments/shop/Deployments', false)).toBe(
      true,
    );
    expect(isTokenRoute('GET', '/ENVIRONMENTS/shop/deployments/1', true)).toBe(
      true,
    );
    expect(isTokenRoute('GET', '/Environments/shop/deployments', true)).toBe(
      false,
    );
  });

  it.each([
    ['GET', '/Environments/shop/deployments'],
    ['GET', '/ENVIRONMENTS/shop/tokens'],
    ['DELETE', '/Environments/shop'],
  ])('asks for Backstage credentials on %s %s', async (method, path) => {
    const httpAuth = mockServices.httpAuth.mock();
    httpAuth.credentials.mockRejectedValue(new Error('no credentials'));
    const next = jest.fn();
    credentialsOutsideTokenRoutes(httpAuth)(
      { method, path, header: () => undefined } as unknown as Request,
      {} as any,
      next,
    );
    await new Promise(r => setImmediate(r));
    expect(httpAuth.credentials).toHaveBeenCalled();
    expect(next).toHaveBeenCalledWith(new Error('no credentials'));
  });
});
