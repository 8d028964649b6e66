import { isValidProjectName, validateProjectName } from './projectName';
import { validateResources } from './resources';
import { formatValidationIssues } from './ValidationIssue';

describe('validateProjectName', () => {
  it.each(['abc', 'my-app', 'team1-api-2', 'a'.repeat(32)])(
    'accepts %s',
    name => {
      expect(validateProjectName(name)).toEqual([]);
      expect(isValidProjectName(name)).toBe(true);
    },
  );

  it.each([
    ['ab', 'must be 3 to 32 characters long'],
    ['a'.repeat(33), 'must be 3 to 32 characters long'],
    ['My-app', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['my_app', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['my app', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['my`app', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['../etc', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['café-app', 'may contain only lowercase letters a-z, digits and hyphens'],
    ['1app', 'must start with a lowercase letter'],
    ['-app', 'must start with a lowercase letter'],
    ['app-', 'must not end with a hyphen'],
    ['my--app', 'must not contain two hyphens in a row (no xn-- look-alikes)'],
    [
      'xn--80ak6aa92e',
      'must not contain two hyphens in a row (no xn-- look-alikes)',
    ],
    ['portainer', '"portainer" is reserved'],
  ])('refuses %j: %s', (name, rule) => {
    expect(validateProjectName(name)).toContainEqual({ field: 'name', rule });
    expect(isValidProjectName(name)).toBe(false);
  });

  it('refuses non-strings and names the field it was given', () => {
    expect(validateProjectName(undefined, 'projectName')).toEqual([
      { field: 'projectName', rule: 'is required and must be a string' },
    ]);
  });

  it('formats several issues in one message', () => {
    expect(formatValidationIssues(validateProjectName('1-'))).toBe(
      'name: must be 3 to 32 characters long; name: must start with a lowercase letter; name: must not end with a hyphen',
    );
  });
});

describe('validateResources', () => {
  it('accepts values within limits', () => {
    expect(
      validateResources({ cpuCores: 2, memoryMb: 2048, diskGb: 20 }),
    ).toEqual([]);
  });
  it('names each field out of bounds', () => {
    expect(
      validateResources({ cpuCores: 0, memoryMb: 1.5, diskGb: 100000 }),
    ).toEqual([
      { field: 'cpuCores', rule: 'must be between 1 and 16' },
      { field: 'memoryMb', rule: 'must be a whole number' },
      { field: 'diskGb', rule: 'must be between 8 and 512' },
    ]);
  });
});
