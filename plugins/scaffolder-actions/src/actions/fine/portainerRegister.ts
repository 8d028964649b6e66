import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  portainerStep,
  portainerTeamName,
  readProvisioningConfig,
} from '@docker-env/plugin-docker-env-workflows-node';
import { examples } from './portainerRegister.examples';
import {
  clients,
  gatedAndAudited,
  type FineActionOptions,
  unmanagedTarget,
} from './shared';

const ID = 'docker-env:portainer:register';
const LABEL = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * `docker-env:portainer:register` - registers a CT's Portainer agent as a Portainer environment
 * (the production `portainer` step: agent environment tagged as ours and `docker-env_unmanaged`,
 * the owner's prefixed team with its members, team access). Admins only.
 *
 * @public
 */
export function createPortainerRegisterAction(opts: FineActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      "Registers a CT's Portainer agent as a Portainer environment with the owner's team and its access, as the provisioning step does, tagged unmanaged. Needs docker-env.admin.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().regex(LABEL).describe('Portainer environment name'),
        environmentId: z =>
          z
            .string()
            .regex(LABEL)
            .optional()
            .describe('The id the ownership mark carries (default: the name)'),
        ip: z =>
          z
            .string()
            .ip({ version: 'v4' })
            .describe('IPv4 address the Portainer agent listens on'),
        owner: z =>
          z
            .string()
            .describe(
              'Owner entity ref; the configured prefix plus the whole ref (e.g. docker-env-group:default/team-a) is the Portainer team',
            ),
        members: z =>
          z
            .array(z.string())
            .default([])
            .describe(
              'Portainer user names to add to the team (unknown ones are skipped)',
            ),
      },
      output: {
        endpointId: z => z.number().describe('The Portainer environment id'),
        teamId: z => z.number().describe('The Portainer team id'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      const target = unmanagedTarget({
        name: i.name,
        environmentId: i.environmentId,
        owner: i.owner,
      });
      const team = portainerTeamName(
        readProvisioningConfig(opts.config).portainer.teamPrefix,
        i.owner,
      );
      const result = await gatedAndAudited({
        actionId: ID,
        opts,
        credentials: await ctx.getInitiatorCredentials(),
        logger: ctx.logger,
        isDryRun: ctx.isDryRun,
        plan: `register the agent at ${i.ip} as Portainer environment "${i.name}" for team "${team}", tagged unmanaged`,
        meta: { target, ip: i.ip },
        work: async () => {
          const { deps, settings } = clients(opts);
          const ac = new AbortController();
          const timer = setTimeout(
            () => ac.abort(new Error(`${ID}: timed out`)),
            settings.timeouts.portainer,
          );
          try {
            return (await portainerStep(
              {
                ...deps,
                teams: async () => ({ members: i.members }),
              },
              settings,
            ).run({
              target,
              facts: { ip: i.ip },
              signal: ac.signal,
              logger: ctx.logger,
            })) as { endpointId: number; teamId: number };
          } finally {
            clearTimeout(timer);
          }
        },
      });
      if (!result) return;
      ctx.logger.info(
        `Portainer environment ${result.endpointId}, team ${result.teamId}, tagged unmanaged`,
      );
      ctx.output('endpointId', result.endpointId);
      ctx.output('teamId', result.teamId);
    },
  });
}
