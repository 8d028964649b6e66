import { InputError } from '@backstage/errors';
import type { DockerApi } from '@docker-env/plugin-docker-env-node';
import type { ContainerSummary } from '@docker-env/plugin-docker-env-node';
import type {
  LxcSnapshot,
  ProxmoxClient,
} from '@docker-env/plugin-docker-env-node';

/**
 * One container of an environment as the API shows it.
 *
 * @public
 */
export interface EnvironmentContainer {
  id: string;
  name: string;
  image: string;
  /** Docker's state: `running`, `exited`, `restarting`, ... */
  state: string;
  /** Docker's human status (`Up 3 minutes`). */
  status: string;
  /** `none` when the container has no health check. */
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  restartCount: number;
  ports: ContainerSummary['ports'];
}

/**
 * At most this many containers are inspected for health and restarts.
 *
 * @public
 */
export const MAX_LISTED_CONTAINERS = 200;

/**
 * The environment's containers with state, health, restarts, image and ports.
 *
 * @public
 */
export async function listEnvironmentContainers(
  docker: DockerApi,
): Promise<EnvironmentContainer[]> {
  const list = (await docker.listContainers({ all: true }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_LISTED_CONTAINERS);
  const out: EnvironmentContainer[] = [];
  for (const c of list) {
    const details = await docker.inspect(c.id);
    out.push({
      id: c.id,
      name: c.name,
      image: c.image,
      state: c.state,
      status: c.status,
      health: details.health?.status ?? 'none',
      restartCount: details.restartCount,
      ports: c.ports,
    });
  }
  return out;
}

/**
 * Default and maximum `tail` of {@link readContainerLogs}.
 *
 * @public
 */
export const LOG_TAIL = { default: 100, max: 2000 };
/**
 * The most characters of each stream a log read returns (the end is kept).
 *
 * @public
 */
export const LOG_MAX_CHARS = 256 * 1024;
const REDACTED = '[redacted]';

/**
 * A bounded log read.
 *
 * @public
 */
export interface ContainerLogRead {
  container: string;
  tail: number;
  stdout: string;
  stderr: string;
  /** True when a stream was cut to {@link LOG_MAX_CHARS}. */
  truncated: boolean;
}

/**
 * The last `tail` lines of a container's logs, with every value of the container's environment replaced by
 * `[redacted]` (a program that prints its configuration must not leak secrets through the portal).
 *
 * @public
 */
export async function readContainerLogs(
  docker: DockerApi,
  container: string,
  options: { tail?: number } = {},
): Promise<ContainerLogRead> {
  const tail = options.tail ?? LOG_TAIL.default;
  if (!Number.isInteger(tail) || tail < 1 || tail > LOG_TAIL.max)
    throw new InputError(
      `tail: must be a whole number from 1 to ${LOG_TAIL.max}`,
    );
  const details = await docker.inspect(container, { includeEnv: true });
  const logs = await docker.logs(details.id, {
    tail,
    maxBytes: LOG_MAX_CHARS,
  });
  // longest first, so a value containing another is replaced whole
  const secrets = Object.values(details.env ?? {})
    .filter(v => v.length >= 3)
    .sort((a, b) => b.length - a.length);
  const redact = (text: string) =>
    secrets.reduce((acc, v) => acc.split(v).join(REDACTED), text);
  const cut = (text: string) =>
    text.length > LOG_MAX_CHARS ? text.slice(-LOG_MAX_CHARS) : text;
  const stdout = redact(logs.stdout);
  const stderr = redact(logs.stderr);
  return {
    container: details.name,
    tail,
    stdout: cut(stdout),
    stderr: cut(stderr),
    truncated:
      logs.truncated ||
      stdout.length > LOG_MAX_CHARS ||
      stderr.length > LOG_MAX_CHARS,
  };
}

/**
 * The environment's snapshots, oldest first.
 *
 * @public
 */
export async function listEnvironmentSnapshots(
  proxmox: Pick<ProxmoxClient, 'listSnapshots'>,
  vmid: number,
): Promise<LxcSnapshot[]> {
  return (await proxmox.listSnapshots(vmid)).sort(
    (a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0),
  );
}
