import { environmentLockMode, lockConflicts, routeLockKey } from './locks';

describe('lock keys', () => {
  const ENV = 'a0000000-0000-4000-8000-00000000000a';
  const main = routeLockKey(ENV, 'dockerenv_shop');
  const web = routeLockKey(ENV, 'dockerenv_shop_web');
  const api = routeLockKey(ENV, 'dockerenv_shop_api');

  it('a route file written outside an operation takes the environment shared and its file exclusively', () => {
    expect(main).toBe(`route:${ENV}:dockerenv_shop`);
    expect(environmentLockMode(main)).toBe('shared');
    expect(lockConflicts(main, main)).toBe(true);
    expect(lockConflicts(web, api)).toBe(false);
    expect(lockConflicts(`env:${ENV}`, main)).toBe(true);
    expect(lockConflicts(main, `env:${ENV}`)).toBe(true);
  });

  it("a deployment keeps out writers of its container's route and of the main route, and no other", () => {
    const deploy = `deploy:${ENV}:web`;
    expect(lockConflicts(deploy, web)).toBe(true);
    expect(lockConflicts(web, deploy)).toBe(true);
    // the primary container's deployment writes the main route
    expect(lockConflicts(deploy, main)).toBe(true);
    expect(lockConflicts(deploy, api)).toBe(false);
    expect(lockConflicts(`deploy:${ENV}:api`, `deploy:${ENV}:web`)).toBe(false);
  });
});
