import {
  formatValidationIssues,
  NameAvailability,
  RESERVED_PROJECT_NAMES,
  validateProjectName,
} from '@docker-env/plugin-docker-env-common';
import { RouteModule } from '../service/RouteContext';

/** `GET /names/{name}`: is this name valid and free (the wizard asks while you type). */
export const nameRoutes: RouteModule = (router, ctx) => {
  router.get('/names/:name', async (req, res) => {
    await ctx.access.caller(req, { allowService: true });
    const { name } = req.params;
    const issues = validateProjectName(name);
    let answer: NameAvailability;
    if (RESERVED_PROJECT_NAMES.has(name)) {
      answer = {
        name,
        available: false,
        reason: 'reserved',
        message: formatValidationIssues(issues),
      };
    } else if (issues.length > 0) {
      answer = {
        name,
        available: false,
        reason: 'invalid',
        message: formatValidationIssues(issues),
      };
    } else if (await ctx.store.isNameHeld(name)) {
      answer = {
        name,
        available: false,
        reason: 'taken',
        message: `name: "${name}" is taken by another environment`,
      };
    } else {
      answer = { name, available: true, reason: null, message: null };
    }
    res.json(answer);
  });
};
