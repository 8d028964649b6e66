import { ValidationIssue } from './ValidationIssue';

/**
 * Names that can never be used for an environment (they collide with platform host names).
 *
 * @public
 */
export const RESERVED_PROJECT_NAMES: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'auth',
  'backstage',
  'default',
  'dns',
  'docker',
  'grafana',
  'localhost',
  'mail',
  'netbox',
  'portainer',
  'proxmox',
  'registry',
  'root',
  'smtp',
  'system',
  'traefik',
  'www',
]);

/**
 * Minimum and maximum length of a project name.
 *
 * @public
 */
export const PROJECT_NAME_LENGTH = { min: 3, max: 32 } as const;

/**
 * Checks a project name against the platform's rule: 3-32 characters, lowercase letters,
 * digits and hyphens, starting with a letter, not ending with a hyphen, no two hyphens in a row (so never an
 * `xn--` look-alike), not reserved.
 * Uniqueness is checked by the backend, which owns the records.
 *
 * @returns the broken rules; empty when the name is valid.
 *
 * @public
 */
export function validateProjectName(
  name: unknown,
  field = 'name',
): ValidationIssue[] {
  if (typeof name !== 'string') {
    return [{ field, rule: 'is required and must be a string' }];
  }
  const issues: ValidationIssue[] = [];
  const { min, max } = PROJECT_NAME_LENGTH;
  if (name.length < min || name.length > max) {
    issues.push({ field, rule: `must be ${min} to ${max} characters long` });
  }
  if (!/^[a-z0-9-]*$/.test(name)) {
    issues.push({
      field,
      rule: 'may contain only lowercase letters a-z, digits and hyphens',
    });
  }
  if (!/^[a-z]/.test(name)) {
    issues.push({ field, rule: 'must start with a lowercase letter' });
  }
  if (name.endsWith('-')) {
    issues.push({ field, rule: 'must not end with a hyphen' });
  }
  if (name.includes('--')) {
    issues.push({
      field,
      rule: 'must not contain two hyphens in a row (no xn-- look-alikes)',
    });
  }
  if (RESERVED_PROJECT_NAMES.has(name)) {
    issues.push({ field, rule: `"${name}" is reserved` });
  }
  return issues;
}

/**
 * True when {@link validateProjectName} finds nothing wrong.
 *
 * @public
 */
export function isValidProjectName(name: unknown): name is string {
  return validateProjectName(name).length === 0;
}
