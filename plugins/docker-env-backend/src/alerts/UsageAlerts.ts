import {
  ALERT_RESOURCES,
  type AlertResource,
  type Environment,
} from '@docker-env/plugin-docker-env-common';
import type { LxcStatus } from '@docker-env/plugin-docker-env-node';
import { AlertActions, isSilenced } from './AlertActions';

/** Reads a CT's current status (Proxmox `status/current`). */
export type CtStatusReader = (environment: Environment) => Promise<LxcStatus>;

/** Percent of the limit in use, per resource (undefined when Proxmox gave no limit). */
export function usagePercents(
  s: LxcStatus,
): Record<AlertResource, number | undefined> {
  const pct = (used: number, max: number) =>
    max > 0 ? Math.round((used / max) * 1000) / 10 : undefined;
  return {
    cpu: Math.round(s.cpu * 1000) / 10,
    memory: pct(s.mem, s.maxmem),
    disk: pct(s.disk, s.maxdisk),
  };
}

/** Environments read at once. */
const CONCURRENCY = 8;

/**
 * The usage rules: each check reads every ready environment's CT (`status/current`: CPU as a fraction of its cores,
 * memory and root disk against their limits). A resource over its threshold opens a pending incident due
 * `forSeconds` after the first reading over it; one back under drops it unseen, or resolves it when it was open.
 */
export class UsageAlerts {
  constructor(
    private readonly actions: AlertActions,
    private readonly readStatus: CtStatusReader,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One check of every ready environment; answers how many could not be read. */
  async check(): Promise<{ checked: number; failed: number }> {
    if (!this.actions.deps.settings.enabled) return { checked: 0, failed: 0 };
    const environments = (
      await this.actions.deps.store.findEnvironments({
        statuses: ['ready'],
        withVmid: true,
      })
    ).filter(e => e.vmid !== null);
    let failed = 0;
    const queue = [...environments];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          try {
            await this.checkOne(e);
          } catch (error) {
            failed++;
            this.actions.deps.logger.warn(
              `alerts: the usage of ${e.name} could not be checked: ${error}`,
            );
          }
        }
      }),
    );
    return { checked: environments.length, failed };
  }

  private async checkOne(environment: Environment) {
    const rules = await this.actions.rules(environment.id);
    const incidents = this.actions.deps.store.incidents();
    const live = new Map(
      (await incidents.liveOf(environment.id))
        .filter(i => i.kind === 'usage')
        .map(i => [i.subject, i]),
    );
    const wanted = ALERT_RESOURCES.filter(
      r => rules.enabled && rules[r].enabled,
    );
    if (wanted.length === 0 && live.size === 0) return;
    const status = await this.readStatus(environment);
    const percents = usagePercents(status);
    const now = this.now();
    for (const resource of ALERT_RESOURCES) {
      const rule = rules[resource];
      const percent = percents[resource];
      const current = live.get(resource);
      const over =
        wanted.includes(resource) &&
        status.status === 'running' &&
        percent !== undefined &&
        percent > rule.thresholdPercent;
      if (over) {
        await this.actions.sight(environment, {
          kind: 'usage',
          subject: resource,
          details: {
            percent,
            thresholdPercent: rule.thresholdPercent,
            forSeconds: rule.forSeconds,
          },
          at: now,
          dueAt: new Date(now.getTime() + rule.forSeconds * 1000),
          silenced: isSilenced(rules, now),
        });
      } else if (current) {
        await this.actions.clear(
          current,
          percent === undefined
            ? 'the rule was turned off'
            : `back at ${percent} %, under ${rule.thresholdPercent} %`,
          now,
        );
      }
    }
  }
}
