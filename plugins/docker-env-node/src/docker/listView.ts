import { InputError } from '@backstage/errors';
import type Docker from 'dockerode';
import { assertContainerName } from './dockerValues';
import { labelFilter } from './labelFilter';
import type { ContainerSummary, ListContainersOptions } from './types';

const STATUSES = [
  'created',
  'restarting',
  'running',
  'removing',
  'paused',
  'exited',
  'dead',
];

/** Validates list options and builds the `filters` of `GET /containers/json`. */
export function listFilters(
  options: ListContainersOptions,
): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  const labels = labelFilter(options.labels);
  if (labels.length) filters.label = labels;
  if (options.name !== undefined)
    filters.name = [
      `^/${assertContainerName(options.name, 'name').replace(/\./g, '\\.')}$`,
    ];
  if (options.status) {
    for (const s of options.status) {
      if (!STATUSES.includes(s))
        throw new InputError(`status: unknown status ${s}`);
    }
    filters.status = options.status;
  }
  return filters;
}

/** Maps `GET /containers/json` entries to {@link ContainerSummary}. */
export function toContainerSummaries(
  list: Docker.ContainerInfo[],
): ContainerSummary[] {
  return list.map(c => ({
    id: c.Id,
    name: (c.Names?.[0] ?? '').replace(/^\//, ''),
    image: c.Image,
    state: c.State,
    status: c.Status,
    labels: c.Labels ?? {},
    created: c.Created,
    ports: (c.Ports ?? []).map(p => ({
      containerPort: p.PrivatePort,
      protocol: p.Type,
      hostIp: p.IP,
      hostPort: p.PublicPort,
    })),
  }));
}
