import type { OperationStep, StepContext } from '../../operations';
import {
  MANAGED_BY,
  descriptionMark,
  pveEnvironmentTag,
} from '@docker-env/plugin-docker-env-node';
import {
  isLocked,
  isVmidTaken,
  type CreateResult,
  type ProxmoxClient,
} from '@docker-env/plugin-docker-env-node';
import { abortable, pause, poll, taskBackoff } from '../facts';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';

/** The CT's description: who and what it is for, and our mark line. */
export function ctDescription(ctx: StepContext): string {
  const t = ctx.target;
  return [
    `Docker environment ${t.name} (managed by ${MANAGED_BY})`,
    `owner: ${t.owner}`,
    ...(t.purpose ? [`purpose: ${oneLine(t.purpose)}`] : []),
    descriptionMark(t.environmentId),
  ].join('\n');
}

/** Free text on one line without control characters. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, ' ');
}

/**
 * Calls `create` again while the source is locked or the free id it got was taken first
 * (concurrent clones of the golden template take its lock in turn and race for `nextid`; the
 * client's own retries may run out first): the step's timeout bounds it.
 */
async function whileLocked(
  ctx: StepContext,
  intervalMs: number,
  create: () => Promise<CreateResult>,
): Promise<CreateResult> {
  for (;;) {
    try {
      return await abortable(create(), ctx.signal);
    } catch (e) {
      if (!(isLocked(e) || isVmidTaken(e)) || ctx.signal.aborted) throw e;
      ctx.logger.info(`lxc: ${(e as Error).message}; retrying`);
      await pause(intervalMs * (1 + Math.random()), ctx.signal);
    }
  }
}

/** Waits until the CT's create/clone/restore task is over (the CT's `lock` clears). */
export async function settle(
  proxmox: ProxmoxClient,
  result: CreateResult,
  ctx: StepContext,
  intervalMs: number,
): Promise<void> {
  const { signal } = ctx;
  if (result.upid) {
    await proxmox.waitForTask(result.upid, {
      signal,
      backoff: taskBackoff(intervalMs),
      timeoutMs: 24 * 3600_000, // the step's timeout bounds it
    });
    return;
  }
  const ct = proxmox.forNode(result.node);
  await poll(signal, intervalMs, async () =>
    (await ct.getConfig(result.vmid)).lock ? undefined : true,
  );
}

/**
 * `lxc`: clones the golden template (or creates from an OS template) as an unprivileged CT marked
 * with our tags and a description naming the environment and owner, then applies the requested
 * limits and the per-environment firewall. Adopts only a CT that carries our mark.
 *
 * @public
 */
export function lxcStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  return {
    name: 'lxc',
    timeoutMs: config.timeouts.lxc,
    async run(ctx) {
      const t = ctx.target;
      const description = ctDescription(ctx);
      const source = config.source;
      const result = await whileLocked(ctx, config.pollIntervalMs, () =>
        source.kind === 'clone'
          ? deps.proxmox.cloneFromTemplate({
              templateVmid: source.templateVmid,
              hostname: t.name,
              environmentId: t.environmentId,
              pool: config.pool,
              description,
            })
          : deps.proxmox.createFromOsTemplate({
              ostemplate: source.ostemplate,
              hostname: t.name,
              environmentId: t.environmentId,
              cores: t.cpuCores,
              memoryMiB: t.memoryMb,
              swapMiB: config.swapMiB,
              storage: source.storage,
              diskGiB: t.diskGb,
              bridge: source.bridge,
              sshPublicKeys: source.sshPublicKeys,
              description,
              pool: config.pool,
              features: source.features,
            }),
      );
      ctx.logger.info(
        `lxc: CT ${result.vmid} on ${result.node} ${
          result.existing ? 'found (ours)' : 'created'
        }`,
      );
      await settle(deps.proxmox, result, ctx, config.pollIntervalMs);
      const ct = deps.proxmox.forNode(result.node);

      const current = await abortable(ct.getConfig(result.vmid), ctx.signal);
      const tags = [
        ...new Set([
          ...current.tags,
          MANAGED_BY,
          pveEnvironmentTag(t.environmentId),
        ]),
      ];
      ctx.signal.throwIfAborted();
      await abortable(
        ct.updateConfig(result.vmid, {
          cores: t.cpuCores,
          memoryMiB: t.memoryMb,
          swapMiB: config.swapMiB,
          tags,
          description,
        }),
        ctx.signal,
      );
      const sizeGiB = rootfsGiB(current.rootfs);
      if (sizeGiB !== undefined && sizeGiB < t.diskGb) {
        const upid = await abortable(
          ct.resizeDisk(result.vmid, t.diskGb - sizeGiB),
          ctx.signal,
        );
        await ct.waitForTask(upid, {
          signal: ctx.signal,
          backoff: taskBackoff(config.pollIntervalMs),
        });
      }
      ctx.signal.throwIfAborted();
      await abortable(
        ct.setFirewallOptions(result.vmid, config.firewall.options),
        ctx.signal,
      );
      const rules = await abortable(
        ct.listFirewallRules(result.vmid),
        ctx.signal,
      );
      for (const rule of config.firewall.rules) {
        if (rules.some(r => r.comment === rule.comment)) continue;
        ctx.signal.throwIfAborted();
        await abortable(ct.createFirewallRule(result.vmid, rule), ctx.signal);
      }
      return { vmid: result.vmid, node: result.node };
    },
    async undo(ctx) {
      const found = await abortable(
        deps.proxmox.findContainer({ hostname: ctx.target.name }),
        ctx.signal,
      );
      if (!found) return;
      if (!(await deps.proxmox.isOurs(found, ctx.target.environmentId))) {
        ctx.logger.warn(
          `lxc undo: CT ${found.vmid} "${found.name}" is not ours, left alone`,
        );
        return;
      }
      const ct = deps.proxmox.forNode(found.node);
      const wait = (upid: string) =>
        ct.waitForTask(upid, {
          signal: ctx.signal,
          backoff: taskBackoff(config.pollIntervalMs),
        });
      if (found.lock) {
        await poll(ctx.signal, config.pollIntervalMs, async () =>
          (await ct.getConfig(found.vmid)).lock ? undefined : true,
        );
      }
      if ((await ct.getStatus(found.vmid)).status === 'running')
        await wait(await ct.stop(found.vmid));
      await wait(await ct.destroy(found.vmid));
    },
  };
}

/** `local-lvm:vm-105-disk-0,size=8G` -> 8. */
function rootfsGiB(rootfs: string | undefined): number | undefined {
  const m = /(?:^|,)size=(\d+)([GMT])(?:,|$)/.exec(rootfs ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === 'T') return n * 1024;
  if (m[2] === 'M') return Math.ceil(n / 1024);
  return n;
}
