import { EnvironmentResources, RESOURCE_LIMITS } from '../types';
import { ValidationIssue } from './ValidationIssue';

/**
 * Checks that custom resources are whole numbers within {@link RESOURCE_LIMITS}.
 *
 * @public
 */
export function validateResources(
  resources: Partial<Record<keyof EnvironmentResources, unknown>>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(RESOURCE_LIMITS) as Array<
    keyof EnvironmentResources
  >) {
    const value = resources[key];
    const { min, max } = RESOURCE_LIMITS[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      issues.push({ field: key, rule: 'must be a whole number' });
    } else if (value < min || value > max) {
      issues.push({ field: key, rule: `must be between ${min} and ${max}` });
    }
  }
  return issues;
}
