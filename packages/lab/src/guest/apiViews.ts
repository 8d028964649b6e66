import type { DockerEngine } from './DockerEngine';
import { EngineError, type SimContainer } from './model';

/** go-units HumanDuration, as in `Up 5 seconds`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(m / 60);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  return `${Math.floor(h / 24)} days`;
}

/** The list view's `Status` text. */
export function statusText(c: SimContainer): string {
  const s = c.State;
  if (s.Restarting)
    return `Restarting (${s.ExitCode}) ${humanDuration(
      Date.now() - Date.parse(s.FinishedAt),
    )} ago`;
  if (s.Running) {
    let health = '';
    if (s.Health)
      health =
        s.Health.Status === 'starting'
          ? ' (health: starting)'
          : ` (${s.Health.Status})`;
    return `Up ${humanDuration(Date.now() - Date.parse(s.StartedAt))}${health}`;
  }
  if (s.Status === 'created') return 'Created';
  return `Exited (${s.ExitCode}) ${humanDuration(
    Date.now() - Date.parse(s.FinishedAt),
  )} ago`;
}

/** `GET /containers/{id}/json`: the inspect document without simulator bookkeeping. */
export function inspectView(c: SimContainer) {
  const { lab, ...rest } = c;
  return {
    ...rest,
    ResolvConfPath: `/var/lib/docker/containers/${c.Id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${c.Id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${c.Id}/hosts`,
    LogPath: `/var/lib/docker/containers/${c.Id}/${c.Id}-json.log`,
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    GraphDriver: { Name: 'overlay2', Data: null },
    Mounts: [],
  };
}

/** One entry of `GET /containers/json`. */
export function listView(c: SimContainer) {
  const ports: Array<Record<string, unknown>> = [];
  for (const port of Object.keys(c.Config.ExposedPorts)) {
    const [num, proto] = port.split('/');
    const bound = c.NetworkSettings.Ports[port];
    if (bound && bound.length > 0) {
      for (const b of bound)
        ports.push({
          IP: b.HostIp,
          PrivatePort: Number(num),
          PublicPort: Number(b.HostPort),
          Type: proto ?? 'tcp',
        });
    } else {
      ports.push({ PrivatePort: Number(num), Type: proto ?? 'tcp' });
    }
  }
  return {
    Id: c.Id,
    Names: [c.Name],
    Image: c.Config.Image,
    ImageID: c.Image,
    Command: [c.Path, ...c.Args].join(' ').trim(),
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: ports,
    Labels: c.Config.Labels,
    State: c.State.Status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode },
    NetworkSettings: { Networks: c.NetworkSettings.Networks },
    Mounts: [],
  };
}

/** Parses `filters` like dockerd: `{"key":["v"]}` or the legacy `{"key":{"v":true}}`. */
export function parseFilters(
  raw: string | null,
  allowed: string[],
): Record<string, string[]> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new EngineError(400, `invalid filter: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object')
    throw new EngineError(400, 'invalid filter');
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(
    parsed as Record<string, unknown>,
  )) {
    if (!allowed.includes(key))
      throw new EngineError(400, `invalid filter '${key}'`);
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (value && typeof value === 'object')
      out[key] = Object.keys(value).filter(k => (value as any)[k]);
    else throw new EngineError(400, `invalid filter '${key}'`);
  }
  return out;
}

function labelMatches(labels: Record<string, string>, wanted: string): boolean {
  const eq = wanted.indexOf('=');
  if (eq < 0) return wanted in labels;
  return labels[wanted.slice(0, eq)] === wanted.slice(eq + 1);
}

const STATUSES = [
  'created',
  'restarting',
  'running',
  'removing',
  'paused',
  'exited',
  'dead',
];

/** `GET /containers/json?all=&filters=`. */
export function listContainers(
  engine: DockerEngine,
  all: boolean,
  filtersRaw: string | null,
) {
  const filters = parseFilters(filtersRaw, [
    'label',
    'name',
    'status',
    'id',
    'health',
    'ancestor',
    'exited',
  ]);
  for (const s of filters.status ?? []) {
    if (!STATUSES.includes(s))
      throw new EngineError(400, `invalid filter 'status=${s}'`);
  }
  const showAll = all || (filters.status?.length ?? 0) > 0;
  return [...engine.containers.values()]
    .filter(c => showAll || c.State.Running)
    .filter(c =>
      (filters.label ?? []).every(l => labelMatches(c.Config.Labels, l)),
    )
    .filter(
      c =>
        !filters.name ||
        filters.name.some(n => {
          try {
            return new RegExp(n).test(c.Name);
          } catch {
            throw new EngineError(400, `error parsing regexp: ${n}`);
          }
        }),
    )
    .filter(c => !filters.status || filters.status.includes(c.State.Status))
    .filter(c => !filters.id || filters.id.some(i => c.Id.startsWith(i)))
    .filter(
      c =>
        !filters.health ||
        filters.health.includes(c.State.Health?.Status ?? 'none'),
    )
    .filter(
      c =>
        !filters.ancestor ||
        filters.ancestor.some(a => engine.findImage(a)?.Id === c.Image),
    )
    .filter(
      c =>
        !filters.exited ||
        (c.State.Status === 'exited' &&
          filters.exited.includes(String(c.State.ExitCode))),
    )
    .sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created))
    .map(listView);
}

/** `GET /images/json`. */
export function listImages(engine: DockerEngine) {
  return [...engine.images.values()].map(i => ({
    Id: i.Id,
    ParentId: '',
    RepoTags: i.RepoTags,
    RepoDigests: i.RepoDigests,
    Created: Math.floor(Date.parse(i.Created) / 1000),
    Size: i.Size,
    SharedSize: -1,
    Labels: i.Config.Labels,
    Containers: -1,
  }));
}

/** `GET /images/{name}/json`. */
export function inspectImage(engine: DockerEngine, name: string) {
  const i = engine.findImage(name);
  if (!i) throw new EngineError(404, `No such image: ${name}`);
  return {
    Id: i.Id,
    RepoTags: i.RepoTags,
    RepoDigests: i.RepoDigests,
    Parent: '',
    Comment: '',
    Created: i.Created,
    DockerVersion: '',
    Author: '',
    Config: { ...i.Config, Image: '', WorkingDir: '', Entrypoint: null },
    Architecture: 'amd64',
    Os: 'linux',
    Size: i.Size,
    GraphDriver: { Name: 'overlay2', Data: null },
    RootFS: { Type: 'layers', Layers: [i.Id] },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  };
}
