import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DockerEnvApiClient,
  dockerEnvAdminPermission,
} from '@docker-env/plugin-docker-env-common';
import { UNMANAGED_MARK } from '@docker-env/plugin-docker-env-node';
import {
  type OperationTarget,
  ProvisioningDeps,
  readProvisioningConfig,
  type ProvisioningConfig,
} from '@docker-env/plugin-docker-env-workflows-node';

/**
 * The marker of what a fine-grained action creates (`docker-env_unmanaged`): ours, left alone by the reconciler.
 *
 * @public
 */
export const UNMANAGED_TAG = UNMANAGED_MARK;

/**
 * The step target of a fine-grained action: `management: 'unmanaged'`, the name as environment id unless one is
 * given, and the smallest size for the steps that do not use it.
 */
export function unmanagedTarget(input: {
  name: string;
  environmentId?: string;
  owner?: string;
  cpuCores?: number;
  memoryMb?: number;
  diskGb?: number;
  purpose?: string;
}): OperationTarget {
  return {
    environmentId: input.environmentId ?? input.name,
    name: input.name,
    owner: input.owner ?? 'unknown',
    cpuCores: input.cpuCores ?? 1,
    memoryMb: input.memoryMb ?? 256,
    diskGb: input.diskGb ?? 4,
    ...(input.purpose !== undefined && { purpose: input.purpose }),
    management: 'unmanaged',
  };
}

/**
 * What the fine-grained actions need.
 *
 * @public
 */
export interface FineActionOptions {
  config: RootConfigService;
  permissions: PermissionsService;
  /** Backstage's auditor service (`coreServices.auditor`). */
  auditor: AuditorService;
  /** Reach the docker-env backend, which says which names environments hold (`route:write` refuses their hosts). */
  auth: AuthService;
  discovery: DiscoveryService;
  /** Overrides the clients (tests); default: built from config like the backend builds them. */
  deps?: () => ProvisioningDeps;
}

/** The production clients and step settings, from the module's config (built on first use). */
export function clients(opts: FineActionOptions): {
  deps: ProvisioningDeps;
  settings: ProvisioningConfig;
} {
  const deps = opts.deps
    ? opts.deps()
    : ProvisioningDeps.fromConfig(opts.config, {
        // fine-grained actions make no Portainer team
        teams: async () => ({ members: [] }),
      });
  return { deps, settings: readProvisioningConfig(opts.config) };
}

/**
 * True when an environment holds `name` (its host `<name>.<base domain>`): the docker-env backend's
 * `GET /names/{name}` answers `taken`, asked on behalf of the task's initiator. An unreachable backend throws, so
 * nothing is written without the answer.
 */
export async function environmentHoldsName(
  opts: Pick<FineActionOptions, 'auth' | 'discovery'>,
  credentials: BackstageCredentials,
  name: string,
): Promise<boolean> {
  const api = new DockerEnvApiClient({
    discoveryApi: opts.discovery,
    getToken: async () =>
      (
        await opts.auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: 'docker-env',
        })
      ).token,
    timeoutMs: 15_000,
    maxResponseBytes: 64 * 1024,
  });
  return (await api.checkName(name)).reason === 'taken';
}

/** Fails with one readable line unless the task's initiator holds `docker-env.admin`. */
export async function requireAdmin(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  actionId: string,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission: dockerEnvAdminPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `${actionId} needs the docker-env.admin permission, which the user who started this task does not have`,
    );
  }
}

/**
 * Runs `work` gated by the admin permission and audited (`coreServices.auditor`); on a dry run it
 * checks the permission and logs `plan` but calls nothing.
 */
export async function gatedAndAudited<T>(args: {
  actionId: string;
  opts: FineActionOptions;
  credentials: BackstageCredentials;
  logger: LoggerService;
  isDryRun?: boolean;
  plan: string;
  meta: Record<string, unknown>;
  work: () => Promise<T>;
}): Promise<T | undefined> {
  const { actionId, opts } = args;
  await requireAdmin(opts.permissions, args.credentials, actionId);
  if (args.isDryRun) {
    args.logger.info(`dry run: would ${args.plan}`);
    return undefined;
  }
  const event = await opts.auditor.createEvent({
    eventId: actionId.replace(/:/g, '-'),
    severityLevel: 'medium',
    meta: { ...args.meta, management: 'unmanaged' },
  });
  try {
    const result = await args.work();
    await event.success({
      meta: { result: JSON.parse(JSON.stringify(result ?? null)) },
    });
    return result;
  } catch (error) {
    await event.fail({ error: error as Error });
    throw error;
  }
}
