import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  AlertKind,
  AlertRules,
  Environment,
} from '@docker-env/plugin-docker-env-common';
import type { Notifier } from '../notifications';
import type { DockerEnvStore } from '../store/types';
import type { AlertSettings } from './config';
import type { Incident } from './IncidentStore';
import { alertNotice, recoveryNotice } from './notices';

/** An environment's rules in force: what its owner stored, else the defaults. */
export async function rulesOf(
  store: Pick<DockerEnvStore, 'alertRules'>,
  settings: AlertSettings,
  environmentId: string,
): Promise<AlertRules> {
  return (
    (await store.alertRules().get(environmentId))?.rules ?? settings.defaults
  );
}

/** True while the rules' silence runs. */
export function isSilenced(rules: AlertRules, now: Date): boolean {
  return (
    rules.silencedUntil !== null &&
    Date.parse(rules.silencedUntil) > now.getTime()
  );
}

/**
 * The incident changes and their notices: each state change and the notice's deliveries commit in one transaction
 * (the outbox), and the outbox is kicked after the commit. A silenced incident changes state without notices.
 */
export class AlertActions {
  constructor(
    readonly deps: {
      store: DockerEnvStore;
      notifier: Pick<Notifier, 'stage' | 'sendSoon'>;
      settings: AlertSettings;
      logger: LoggerService;
    },
  ) {}

  rules(environmentId: string): Promise<AlertRules> {
    return rulesOf(this.deps.store, this.deps.settings, environmentId);
  }

  /**
   * Records a sighting; when it opened an incident now, tells the owner. Answers the incident and whether this call
   * created it.
   */
  async sight(
    environment: Environment,
    s: {
      kind: AlertKind;
      subject: string;
      details: Record<string, unknown>;
      at: Date;
      dueAt: Date;
      silenced: boolean;
    },
  ): Promise<{ incident: Incident; created: boolean }> {
    const result = await this.deps.store.transaction(async tx => {
      const r = await tx
        .incidents()
        .sight({ environmentId: environment.id, ...s });
      if (r.created && r.incident.state === 'open' && !r.incident.silenced)
        await this.deps.notifier.stage(
          alertNotice(environment, r.incident),
          tx,
        );
      return r;
    });
    if (result.created && result.incident.state === 'open')
      this.deps.notifier.sendSoon();
    return result;
  }

  /** Opens a pending incident now (its grace or duration passed) and tells the owner, once across replicas. */
  async open(id: string, at: Date): Promise<Incident | undefined> {
    const opened = await this.deps.store.transaction(async tx => {
      const incident = await tx.incidents().open(id, at);
      if (!incident || incident.silenced) return incident;
      const environment = await tx.getEnvironmentById(incident.environmentId);
      if (environment)
        await this.deps.notifier.stage(alertNotice(environment, incident), tx);
      return incident;
    });
    if (opened) this.deps.notifier.sendSoon();
    return opened;
  }

  /** Clears a live incident: a pending one is dropped unseen, an open one resolved with a recovery notice. */
  async clear(incident: Incident, resolution: string, at: Date): Promise<void> {
    if (incident.state === 'pending') {
      if (await this.deps.store.incidents().cancel(incident.id)) return;
    }
    const resolved = await this.deps.store.transaction(async tx => {
      const was = await tx.incidents().resolve(incident.id, resolution, at);
      if (!was || was.silenced) return was;
      const environment = await tx.getEnvironmentById(was.environmentId);
      if (environment)
        await this.deps.notifier.stage(
          recoveryNotice(environment, {
            ...was,
            state: 'resolved',
            resolvedAt: at,
            resolution,
          }),
          tx,
        );
      return was;
    });
    if (resolved) this.deps.notifier.sendSoon();
  }

  /** Opens every pending incident that is due (a grace or a duration that a timer of a stopped replica missed). */
  async openDue(now: Date): Promise<number> {
    let opened = 0;
    for (const incident of await this.deps.store.incidents().due(now))
      if (await this.open(incident.id, now)) opened++;
    return opened;
  }
}
