import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { taskFailure } from './errors';
import {
  formatValidationIssues,
  validateProjectName,
} from '@docker-env/plugin-docker-env-common';

/**
 * `docker-env:name:validate` - fails the task early, with the broken rule, when the project
 * name breaks the platform's naming rule.
 *
 * @public
 */
export function createValidateNameAction() {
  return createTemplateAction({
    id: 'docker-env:name:validate',
    description:
      'Checks a Docker environment name against the naming rule (3-32 chars, lowercase letters, digits, hyphens, starts with a letter, no trailing hyphen, not reserved).',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('The project name to check'),
      },
      output: {
        name: z => z.string().describe('The validated name'),
      },
    },
    async handler(ctx) {
      try {
        const issues = validateProjectName(ctx.input.name);
        if (issues.length > 0) {
          throw new InputError(formatValidationIssues(issues));
        }
        ctx.output('name', ctx.input.name);
      } catch (error) {
        // one readable line in the task log, never a stack trace
        throw taskFailure(error);
      }
    },
  });
}
