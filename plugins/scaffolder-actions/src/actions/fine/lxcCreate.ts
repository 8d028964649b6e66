import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { lxcStep } from '@docker-env/plugin-docker-env-workflows-node';
import { examples } from './lxcCreate.examples';
import {
  UNMANAGED_TAG,
  clients,
  gatedAndAudited,
  type FineActionOptions,
  unmanagedTarget,
} from './shared';

const ID = 'docker-env:lxc:create';

/**
 * `docker-env:lxc:create` - creates one LXC (the production `lxc` step: golden template clone or
 * OS template, limits, firewall, our tags and description) marked unmanaged. Admins only.
 *
 * @public
 */
export function createLxcCreateAction(opts: FineActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Creates one Proxmox LXC as the provisioning step does (unprivileged, limits, firewall, our tags), marked unmanaged so the reconciler leaves it alone. Needs docker-env.admin.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
            .describe('CT hostname: a DNS label'),
        environmentId: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
            .optional()
            .describe('The id the ownership mark carries (default: the name)'),
        owner: z =>
          z.string().describe('Owner entity ref, named in the description'),
        cpuCores: z =>
          z.number().int().min(1).max(64).default(1).describe('CPU cores'),
        memoryMb: z =>
          z
            .number()
            .int()
            .min(256)
            .max(262144)
            .default(1024)
            .describe('Memory in MiB'),
        diskGb: z =>
          z
            .number()
            .int()
            .min(4)
            .max(4096)
            .default(8)
            .describe('Root disk in GiB'),
        purpose: z =>
          z.string().optional().describe('Free text for the description'),
      },
      output: {
        vmid: z => z.number().describe('The CT id'),
        node: z => z.string().describe('The Proxmox node it runs on'),
      },
    },
    async handler(ctx) {
      const i = ctx.input;
      const target = unmanagedTarget(i);
      const result = await gatedAndAudited({
        actionId: ID,
        opts,
        credentials: await ctx.getInitiatorCredentials(),
        logger: ctx.logger,
        isDryRun: ctx.isDryRun,
        plan: `create CT "${i.name}" (${i.cpuCores} cores, ${i.memoryMb} MiB, ${i.diskGb} GiB) for ${i.owner}, marked unmanaged`,
        meta: { target },
        work: async () => {
          const { deps, settings } = clients(opts);
          const ac = new AbortController();
          const timer = setTimeout(
            () => ac.abort(new Error(`${ID}: timed out`)),
            settings.timeouts.lxc,
          );
          try {
            const out = (await lxcStep(deps, settings).run({
              target,
              facts: {},
              signal: ac.signal,
              logger: ctx.logger,
            })) as { vmid: number; node: string };
            const ct = deps.proxmox.forNode(out.node);
            const current = await ct.getConfig(out.vmid);
            if (!current.tags.includes(UNMANAGED_TAG)) {
              await ct.updateConfig(out.vmid, {
                tags: [...current.tags, UNMANAGED_TAG],
              });
            }
            return out;
          } finally {
            clearTimeout(timer);
          }
        },
      });
      if (!result) return;
      ctx.logger.info(`CT ${result.vmid} on ${result.node}, marked unmanaged`);
      ctx.output('vmid', result.vmid);
      ctx.output('node', result.node);
    },
  });
}
