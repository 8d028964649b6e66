import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { MANAGED_BY } from '@docker-env/plugin-docker-env-node';
import { netboxStep } from '@docker-env/plugin-docker-env-workflows-node';
import { examples } from './netboxRegister.examples';
import {
  UNMANAGED_TAG,
  clients,
  gatedAndAudited,
  type FineActionOptions,
  unmanagedTarget,
} from './shared';

const ID = 'docker-env:netbox:register';
const LABEL = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * `docker-env:netbox:register` - records a CT in NetBox (the production `netbox` step: VM in the
 * Proxmox cluster with custom fields vmid, node, owner, environment id; interface; primary IPv4)
 * tagged `docker-env` and `docker-env_unmanaged`. Admins only.
 *
 * @public
 */
export function createNetboxRegisterAction(opts: FineActionOptions) {
  return createTemplateAction({
    id: ID,
    description:
      'Records a CT in NetBox as the provisioning step does (VM, custom fields, interface, primary IPv4), tagged unmanaged so the reconciler leaves it alone. Needs docker-env.admin.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().regex(LABEL).describe('VM name (the CT hostname)'),
        environmentId: z =>
          z
            .string()
            .regex(LABEL)
            .optional()
            .describe('The id the ownership mark carries (default: the name)'),
        owner: z => z.string().describe('Owner entity ref (custom field)'),
        vmid: z => z.number().int().min(100).describe('Proxmox CT id'),
        node: z => z.string().min(1).describe('Proxmox node of the CT'),
        ip: z =>
          z.string().ip({ version: 'v4' }).describe('The CT IPv4 address'),
        prefixLength: z =>
          z
            .number()
            .int()
            .min(1)
            .max(32)
            .default(24)
            .describe('Prefix length of the address'),
        cpuCores: z => z.number().int().min(1).default(1).describe('vCPUs'),
        memoryMb: z =>
          z.number().int().min(1).default(1024).describe('Memory in MiB'),
        diskGb: z => z.number().int().min(1).default(8).describe('Disk in GiB'),
      },
      output: {
        netboxVmId: z => z.number().describe('The NetBox VM id'),
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
        plan: `record VM "${i.name}" (CT ${i.vmid} on ${i.node}, ${i.ip}/${i.prefixLength}) in NetBox, tagged unmanaged`,
        meta: { target, vmid: i.vmid, node: i.node, ip: i.ip },
        work: async () => {
          const { deps, settings } = clients(opts);
          const ac = new AbortController();
          const timer = setTimeout(
            () => ac.abort(new Error(`${ID}: timed out`)),
            settings.timeouts.netbox,
          );
          try {
            const out = (await netboxStep(deps, settings).run({
              target,
              facts: {
                ip: i.ip,
                ipPrefix: i.prefixLength,
                vmid: i.vmid,
                node: i.node,
              },
              signal: ac.signal,
              logger: ctx.logger,
            })) as { netboxVmId: number };
            const tag = await deps.netbox.ensureTag(
              UNMANAGED_TAG,
              UNMANAGED_TAG,
            );
            await deps.netbox.updateVirtualMachine(out.netboxVmId, {
              tags: [
                { name: MANAGED_BY, slug: MANAGED_BY },
                { name: tag.name, slug: tag.slug },
              ],
            });
            return out;
          } finally {
            clearTimeout(timer);
          }
        },
      });
      if (!result) return;
      ctx.logger.info(`NetBox VM ${result.netboxVmId}, tagged unmanaged`);
      ctx.output('netboxVmId', result.netboxVmId);
    },
  });
}
