import type { Environment } from '@docker-env/plugin-docker-env-common';
import type { EnvironmentNotice } from '../notifications';
import type { Incident } from './IncidentStore';

/** The webhook event of an incident that opened. */
export const ALERT_EVENT = 'environment.alert';
/** The webhook event of an incident that cleared. */
export const RECOVERY_EVENT = 'environment.alert_recovered';

const SIGNALS: Record<string, string> = {
  '1': 'SIGHUP',
  '2': 'SIGINT',
  '3': 'SIGQUIT',
  '9': 'SIGKILL',
  '10': 'SIGUSR1',
  '12': 'SIGUSR2',
  '15': 'SIGTERM',
};

const RESOURCE_NAMES: Record<string, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  disk: 'Disk',
};

/** How a container ended, in words: `exit code 137, OOM killed`, `exit code 0 after signal 15 (SIGTERM)`. */
export function exitWords(details: Record<string, unknown>): string {
  const parts: string[] = [];
  if (details.exitCode !== undefined)
    parts.push(`exit code ${details.exitCode}`);
  if (details.signal !== undefined)
    parts.push(
      `signal ${details.signal}${
        SIGNALS[String(details.signal)]
          ? ` (${SIGNALS[String(details.signal)]})`
          : ''
      }`,
    );
  if (details.oomKilled) parts.push('killed by the OOM killer');
  return parts.length ? parts.join(', ') : 'no exit code known';
}

/** What the incident is, in one line (the notice's title after the environment's name). */
export function incidentSummary(incident: Incident): string {
  const d = incident.details;
  switch (incident.kind) {
    case 'exit':
      return `container ${incident.subject} ${
        d.byHand ? 'was stopped' : 'exited'
      } (${exitWords(d)})`;
    case 'crash_loop':
      return `container ${incident.subject} is crash-looping (${
        d.restarts
      } restarts within ${d.windowSeconds} s; last ${exitWords(d)})`;
    case 'unhealthy':
      return `container ${incident.subject} is unhealthy`;
    case 'usage':
      return `${RESOURCE_NAMES[incident.subject] ?? incident.subject} at ${
        d.percent
      } % of the limit (over ${d.thresholdPercent} % for ${d.forSeconds} s)`;
    default:
      return `${incident.kind} of ${incident.subject}`;
  }
}

const SEVERITY: Record<string, EnvironmentNotice['severity']> = {
  exit: 'high',
  crash_loop: 'critical',
  unhealthy: 'high',
  usage: 'high',
};

function data(incident: Incident) {
  return {
    alert: {
      id: incident.id,
      kind: incident.kind,
      subject: incident.subject,
      ...(incident.kind === 'usage'
        ? { resource: incident.subject }
        : { container: incident.subject }),
      state: incident.state,
      details: incident.details,
      openedAt: incident.openedAt?.toISOString() ?? null,
      resolvedAt: incident.resolvedAt?.toISOString() ?? null,
      resolution: incident.resolution,
    },
  };
}

/** The notice of an incident that opened: names the environment, the container or resource, the kind and the exit. */
export function alertNotice(
  environment: Environment,
  incident: Incident,
): EnvironmentNotice {
  const summary = incidentSummary(incident);
  return {
    event: ALERT_EVENT,
    environment,
    title: `${environment.name}: ${summary}`,
    description: `Alert (${incident.kind}) in your Docker environment ${environment.name}: ${summary}. You will be told when it clears.`,
    link: environment.url ?? undefined,
    severity: SEVERITY[incident.kind] ?? 'high',
    scope: `docker-env:${environment.id}:alert:${incident.id}`,
    data: data(incident),
  };
}

/** The notice of an incident that cleared (same scope: it updates the alert's notification). */
export function recoveryNotice(
  environment: Environment,
  incident: Incident,
): EnvironmentNotice {
  const what =
    incident.kind === 'usage'
      ? `${RESOURCE_NAMES[incident.subject] ?? incident.subject} usage`
      : `container ${incident.subject}`;
  return {
    event: RECOVERY_EVENT,
    environment,
    title: `${environment.name}: recovered: ${what} (${incident.kind})`,
    description: `Recovered in your Docker environment ${
      environment.name
    }: ${incidentSummary(incident)}; ${incident.resolution ?? 'it cleared'}.`,
    link: environment.url ?? undefined,
    severity: 'normal',
    scope: `docker-env:${environment.id}:alert:${incident.id}`,
    data: data(incident),
  };
}
