import { InputError } from '@backstage/errors';
import { assertHttpUrl, assertPort, assertPosixUsername } from '../validation';
import {
  ENVIRONMENT_LABEL,
  MANAGED_BY,
  assertEnvironmentId,
} from '../ownership';
import type { SshRunResult, SshSession } from './types';

/**
 * Options of the Docker (and Portainer agent) installation on a fresh Debian/Ubuntu guest.
 *
 * @public
 */
export interface InstallDockerOptions {
  distro: 'debian' | 'ubuntu';
  /** Docker apt repository base; default `https://download.docker.com/linux/<distro>` (set a mirror here). */
  repositoryUrl?: string;
  /** Users added to the docker group. */
  dockerUsers?: string[];
  /** Start the Portainer agent after Docker. */
  portainerAgent?: {
    /** The environment the guest belongs to: the agent container is labelled with it (our mark). */
    environmentId: string;
    /** Image reference; default `portainer/agent`. */
    image?: string;
    /** Image tag; default `latest`. */
    tag?: string;
    /** AGENT_SECRET shared with Portainer (recommended: an agent without it pairs with anyone). */
    secret?: string;
    /** Published port; default 9001. */
    port?: number;
  };
}

/**
 * One step of the installation: a name for progress and errors, and the argv to run.
 *
 * @public
 */
export interface InstallStep {
  name: string;
  command: string[];
  /** True when the step handles a secret (sent on stdin, never in argv): never log its stdin. */
  sensitive?: boolean;
  /** Sent to the command's stdin. */
  stdin?: string;
  timeoutMs?: number;
}

const APT = [
  'env',
  'DEBIAN_FRONTEND=noninteractive',
  'apt-get',
  '-q',
  '-y',
  '-o',
  'DPkg::Lock::Timeout=300',
];
const KEYRING = '/etc/apt/keyrings/docker.asc';
const AGENT_NAME = 'portainer_agent';

/**
 * Looks before `docker run`: an agent container labelled with our environment id is (re)started
 * and kept; one without that label is not ours and the step fails (exit 3) naming it; otherwise
 * the `docker run` given as arguments runs. `$1` is the environment id, `$2` the inspect format.
 */
const AGENT_GUARD =
  'set -u; id=$1; fmt=$2; shift 2; ' +
  `if label=$(docker container inspect -f "$fmt" ${AGENT_NAME} 2>/dev/null); then ` +
  `if [ "$label" = "$id" ]; then exec docker start ${AGENT_NAME}; fi; ` +
  `echo "container ${AGENT_NAME} exists and is not ours (${ENVIRONMENT_LABEL}=$label)" >&2; exit 3; ` +
  'fi; exec "$@"';

/**
 * Builds the command sequence that installs Docker CE from Docker's apt repository (the
 * documented procedure), optionally adds users to the docker group and starts the Portainer
 * agent. Values reach the remote shell only as quoted arguments or as positional parameters
 * (`sh -c '...' sh "$1"`), never spliced into script text.
 *
 * @public
 */
export function buildInstallDockerSteps(
  options: InstallDockerOptions,
): InstallStep[] {
  if (
    !options ||
    (options.distro !== 'debian' && options.distro !== 'ubuntu')
  ) {
    throw new InputError('distro: must be debian or ubuntu');
  }
  const repo = assertHttpUrl(
    options.repositoryUrl ??
      `https://download.docker.com/linux/${options.distro}`,
    'repositoryUrl',
  );
  const steps: InstallStep[] = [
    { name: 'apt-update', command: [...APT, 'update'], timeoutMs: 600_000 },
    {
      name: 'install-prerequisites',
      command: [...APT, 'install', 'ca-certificates', 'curl'],
      timeoutMs: 600_000,
    },
    {
      name: 'create-keyring-dir',
      command: ['install', '-m', '0755', '-d', '/etc/apt/keyrings'],
    },
    {
      name: 'fetch-docker-key',
      command: [
        'curl',
        '-fsSL',
        '--proto',
        '=https,http',
        '-o',
        KEYRING,
        `${repo}/gpg`,
      ],
    },
    { name: 'keyring-readable', command: ['chmod', 'a+r', KEYRING] },
    {
      name: 'add-docker-repository',
      command: [
        'sh',
        '-c',
        'set -eu; . /etc/os-release; ' +
          'printf "deb [arch=%s signed-by=%s] %s %s stable\\n" "$(dpkg --print-architecture)" "$2" "$1" "$VERSION_CODENAME" ' +
          '> /etc/apt/sources.list.d/docker.list',
        'sh',
        repo,
        KEYRING,
      ],
    },
    {
      name: 'apt-update-docker',
      command: [...APT, 'update'],
      timeoutMs: 600_000,
    },
    {
      name: 'install-docker',
      command: [
        ...APT,
        'install',
        'docker-ce',
        'docker-ce-cli',
        'containerd.io',
        'docker-buildx-plugin',
        'docker-compose-plugin',
      ],
      timeoutMs: 1_200_000,
    },
    {
      name: 'enable-docker',
      command: ['systemctl', 'enable', '--now', 'docker'],
    },
    {
      name: 'docker-version',
      command: ['docker', 'version', '--format', '{{.Server.Version}}'],
    },
  ];
  (options.dockerUsers ?? []).forEach((user, i) => {
    steps.push({
      name: `docker-group-${i}`,
      command: [
        'usermod',
        '-aG',
        'docker',
        assertPosixUsername(user, `dockerUsers[${i}]`),
      ],
    });
  });
  const agent = options.portainerAgent;
  if (agent) {
    const image = agent.image ?? 'portainer/agent';
    if (!/^[a-z0-9]+([._/:-][a-z0-9]+)*$/.test(image) || image.length > 200) {
      throw new InputError(
        'portainerAgent.image: must be an image reference like portainer/agent',
      );
    }
    const tag = agent.tag ?? 'latest';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
      throw new InputError(
        'portainerAgent.tag: must be a Docker tag (letters, digits, _ . -)',
      );
    }
    const port = assertPort(agent.port ?? 9001, 'portainerAgent.port');
    const environmentId = assertEnvironmentId(
      agent.environmentId,
      'portainerAgent.environmentId',
    );
    if (
      agent.secret !== undefined &&
      (typeof agent.secret !== 'string' ||
        !/^[\x21-\x7e]{8,256}$/.test(agent.secret))
    ) {
      throw new InputError(
        'portainerAgent.secret: must be 8-256 printable characters without spaces',
      );
    }
    const run = [
      'docker',
      'run',
      '-d',
      '--name',
      AGENT_NAME,
      '--restart=always',
      '--label',
      `${ENVIRONMENT_LABEL}=${environmentId}`,
      '--label',
      `io.docker-env.managed-by=${MANAGED_BY}`,
      '-p',
      `${port}:9001`,
    ];
    // `-e NAME` without a value copies it from the environment: the secret travels on stdin and
    // never appears in the exec request or in any process's argv on the guest
    if (agent.secret !== undefined) run.push('-e', 'AGENT_SECRET');
    run.push(
      '-v',
      '/var/run/docker.sock:/var/run/docker.sock',
      '-v',
      '/var/lib/docker/volumes:/var/lib/docker/volumes',
      `${image}:${tag}`,
    );
    const command = [
      'sh',
      '-c',
      AGENT_GUARD,
      'sh',
      environmentId,
      `{{index .Config.Labels "${ENVIRONMENT_LABEL}"}}`,
      ...run,
    ];
    if (agent.secret === undefined) {
      steps.push({
        name: 'start-portainer-agent',
        command,
        timeoutMs: 600_000,
      });
    } else {
      steps.push({
        name: 'start-portainer-agent',
        command: [
          'sh',
          '-c',
          'IFS= read -r AGENT_SECRET && export AGENT_SECRET && exec "$@"',
          'sh',
          ...command,
        ],
        stdin: `${agent.secret}\n`,
        sensitive: true,
        timeoutMs: 600_000,
      });
    }
  }
  return steps;
}

/**
 * Result of {@link installDocker}: each step's output, in order.
 *
 * @public
 */
export interface InstallDockerResult {
  steps: Array<{ name: string; result: SshRunResult }>;
  /** `docker version` server version reported at the end. */
  dockerVersion: string;
}

/**
 * Runs the installation steps one after another over SSH, stopping at the first failure
 * (SshCommandError names the step). `onStep` reports progress.
 *
 * @public
 */
export async function installDocker(
  session: SshSession,
  options: InstallDockerOptions,
  onStep?: (name: string, index: number, total: number) => void,
): Promise<InstallDockerResult> {
  const steps = buildInstallDockerSteps(options);
  const done: InstallDockerResult['steps'] = [];
  for (const [i, step] of steps.entries()) {
    onStep?.(step.name, i, steps.length);
    const result = await session.run(step.command, {
      label: step.name,
      timeoutMs: step.timeoutMs,
      stdin: step.stdin,
    });
    done.push({ name: step.name, result });
  }
  const version =
    done.find(s => s.name === 'docker-version')?.result.stdout.trim() ?? '';
  return { steps: done, dockerVersion: version };
}
