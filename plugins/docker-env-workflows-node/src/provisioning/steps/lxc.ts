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
  type LxcFirewallRule,
  type LxcListEntry,
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

/** `net0` with `firewall=1` set (added, or a `firewall=0` replaced). */
export function withFirewall(net0: string): string {
  const parts = net0.split(',').filter(p => p !== '' && !/^firewall=/.test(p));
  return [...parts, 'firewall=1'].join(',');
}

const hasFirewall = (net0: string | undefined) =>
  net0 !== undefined && net0.split(',').includes('firewall=1');

/**
 * A clone inherits `net0` from the golden template: without `firewall=1` there, PVE applies none of the CT's
 * firewall. Sets it when missing, then reads it back; a CT that still lacks it fails the step.
 */
async function firewallOnNet0(
  ct: ProxmoxClient,
  vmid: number,
  ctx: StepContext,
): Promise<void> {
  const before = (await abortable(ct.getConfig(vmid), ctx.signal)).net0;
  if (before === undefined)
    throw new Error(
      `lxc: CT ${vmid} has no net0 (the golden template needs one with firewall=1)`,
    );
  if (!hasFirewall(before)) {
    ctx.logger.warn(
      `lxc: CT ${vmid} net0 lacks firewall=1 (fix the golden template); setting it`,
    );
    ctx.signal.throwIfAborted();
    await abortable(
      ct.updateConfig(vmid, { net0: withFirewall(before) }),
      ctx.signal,
    );
  }
  const after = (await abortable(ct.getConfig(vmid), ctx.signal)).net0;
  if (!hasFirewall(after))
    throw new Error(
      `lxc: CT ${vmid} net0 has no firewall=1 after setting it (${after}): its firewall rules would not apply`,
    );
}

/** Our rules carry a comment starting with this; any other rule is the operator's and left alone. */
const OUR_RULE = /^docker-env /;

const sameRule = (a: LxcFirewallRule, b: LxcFirewallRule) =>
  a.comment === b.comment &&
  a.type === b.type &&
  a.action === b.action &&
  a.proto === b.proto &&
  a.dport === b.dport &&
  a.source === b.source &&
  a.dest === b.dest &&
  a.enable !== false;

/**
 * Makes our rules exactly the configured ones: one of ours that differs (a source widened, a port changed, a rule
 * disabled, one no longer configured) is deleted and written again; the operator's own rules stay.
 */
async function syncOurRules(
  ct: ProxmoxClient,
  vmid: number,
  wanted: LxcFirewallRule[],
  ctx: StepContext,
): Promise<void> {
  const rules = await abortable(ct.listFirewallRules(vmid), ctx.signal);
  const ours = rules.filter(r => OUR_RULE.test(r.comment ?? ''));
  const kept = ours.filter(r => wanted.some(w => sameRule(r, w)));
  // highest position first: deleting one shifts those after it
  const stale = ours
    .filter(r => !kept.includes(r))
    .sort((a, b) => (b.pos ?? 0) - (a.pos ?? 0));
  for (const rule of stale) {
    ctx.logger.warn(
      `lxc: CT ${vmid} firewall rule "${
        rule.comment
      }" is not as configured (source ${rule.source ?? 'any'}, port ${
        rule.dport ?? 'any'
      }); replacing it`,
    );
    ctx.signal.throwIfAborted();
    await abortable(ct.deleteFirewallRule(vmid, rule.pos!), ctx.signal);
  }
  for (const rule of wanted) {
    if (kept.some(r => r.comment === rule.comment)) continue;
    ctx.signal.throwIfAborted();
    await abortable(ct.createFirewallRule(vmid, rule), ctx.signal);
  }
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
      if (source.kind === 'clone') await firewallOnNet0(ct, result.vmid, ctx);
      ctx.signal.throwIfAborted();
      await abortable(
        ct.setFirewallOptions(result.vmid, config.firewall.options),
        ctx.signal,
      );
      await syncOurRules(ct, result.vmid, config.firewall.rules, ctx);
      return { vmid: result.vmid, node: result.node };
    },
    holds: ctHeld,
    async undo(ctx) {
      const found = await ourCtByMark(deps.proxmox, ctx);
      if (!found) return;
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

/**
 * The environment's CT, found by its hostname or, failing that, by the tag of its mark (a CT renamed outside the
 * portal, or one whose hostname another CT has, still carries it); only a CT carrying the mark is answered.
 */
export async function ourCtByMark(
  proxmox: ProxmoxClient,
  ctx: StepContext,
): Promise<LxcListEntry | undefined> {
  const { name, environmentId } = ctx.target;
  const byName = await abortable(
    proxmox.findContainer({ hostname: name }),
    ctx.signal,
  );
  if (byName && (await proxmox.isOurs(byName, environmentId))) return byName;
  const byTag = await abortable(
    proxmox.findContainer({ tag: pveEnvironmentTag(environmentId) }),
    ctx.signal,
  );
  if (byTag && (await proxmox.isOurs(byTag, environmentId))) return byTag;
  if (byName)
    ctx.logger.warn(
      `lxc undo: CT ${byName.vmid} "${byName.name}" is not ours, left alone`,
    );
  return undefined;
}

/** What `lxc` (and `restore`) leave when their undo fails: the CT, by its recorded id or by its mark. */
export function ctHeld(ctx: Pick<StepContext, 'target' | 'facts'>): string[] {
  const { vmid, node } = ctx.facts;
  if (typeof vmid === 'number')
    return [`CT ${vmid}${typeof node === 'string' ? ` on node ${node}` : ''}`];
  return [
    `a CT named ${ctx.target.name} marked for environment ${ctx.target.environmentId} (its id was not recorded)`,
  ];
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
