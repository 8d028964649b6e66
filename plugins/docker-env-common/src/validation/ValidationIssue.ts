/**
 * One broken rule: the field it concerns and the rule, in words a user can act on.
 *
 * @public
 */
export interface ValidationIssue {
  field: string;
  rule: string;
}

/**
 * Formats issues as one message, e.g. `name: must start with a letter`.
 *
 * @public
 */
export function formatValidationIssues(issues: ValidationIssue[]): string {
  return issues.map(i => `${i.field}: ${i.rule}`).join('; ');
}
