import { createHash } from 'node:crypto';

/** An image the simulated registry can serve (or that a guest has locally). */
export interface LabImageSpec {
  /** Reference such as `nginx:1.27`, `traefik/whoami:latest` or `registry.example.com/team/app:1.0`. */
  ref: string;
  /** Ports the image declares (`EXPOSE`), e.g. `['80/tcp']`. */
  exposedPorts?: string[];
  env?: string[];
  cmd?: string[];
  labels?: Record<string, string>;
  /** The image's own HEALTHCHECK (durations in nanoseconds, like the API). */
  healthcheck?: HealthConfig;
  /** Compressed size in bytes (drives the pull progress lines). */
  size?: number;
  /** Registry credentials this image needs; pulls without a matching X-Registry-Auth are refused. */
  auth?: { username: string; password: string };
}

/** Docker's HealthConfig (durations in nanoseconds). */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

/** A parsed, normalised image reference. */
export interface ImageRef {
  /** Registry host, `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path as shown by `docker images` (`nginx`, `traefik/whoami`, `reg.example.com/team/app`). */
  repository: string;
  tag: string;
  digest?: string;
}

// The distribution reference grammar (simplified but strict): [registry/]path[:tag][@digest]
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

/** Parses an image reference like the engine does; undefined when the format is invalid. */
export function parseImageRef(input: string): ImageRef | undefined {
  const m = REFERENCE.exec(input);
  if (!m) return undefined;
  let [, domain, path] = m;
  const tag = m[3];
  const digest = m[4];
  // the first component is a registry only when it looks like a host (dot, port or localhost)
  if (
    domain &&
    !(domain.includes('.') || domain.includes(':') || domain === 'localhost')
  ) {
    path = `${domain}/${path}`;
    domain = undefined as unknown as string;
  }
  if (domain && !REFERENCE.test(`${domain}/${path}`)) return undefined;
  const registry = domain ?? 'docker.io';
  let repository = path;
  if (registry === 'docker.io') {
    repository = path.startsWith('library/')
      ? path.slice('library/'.length)
      : path;
  } else {
    repository = `${registry}/${path}`;
  }
  if (repository.length > 255) return undefined;
  return { registry, repository, tag: tag ?? (digest ? '' : 'latest'), digest };
}

/** `repository:tag` as it appears in RepoTags. */
export function repoTag(ref: ImageRef): string {
  return `${ref.repository}:${ref.tag || 'latest'}`;
}

/** A stable fake sha256 derived from a seed. */
export function fakeSha256(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** What the simulated registry holds when nothing else is configured. */
export const DEFAULT_REGISTRY_IMAGES: LabImageSpec[] = [
  { ref: 'nginx:latest', exposedPorts: ['80/tcp'], size: 72_000_000 },
  { ref: 'nginx:1.27', exposedPorts: ['80/tcp'], size: 72_000_000 },
  { ref: 'busybox:latest', size: 2_100_000, cmd: ['sh'] },
  { ref: 'hello-world:latest', size: 13_000, cmd: ['/hello'] },
  { ref: 'traefik/whoami:latest', exposedPorts: ['80/tcp'], size: 6_500_000 },
  { ref: 'postgres:16', exposedPorts: ['5432/tcp'], size: 150_000_000 },
  { ref: 'redis:7', exposedPorts: ['6379/tcp'], size: 40_000_000 },
  {
    ref: 'portainer/agent:2.27.9',
    exposedPorts: ['9001/tcp'],
    size: 60_000_000,
  },
];
