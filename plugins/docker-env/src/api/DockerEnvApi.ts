import { createApiRef } from '@backstage/frontend-plugin-api';
import type { DockerEnvApiClient } from '@docker-env/plugin-docker-env-common';

/**
 * The browser's view of the docker-env backend plugin: the calls it makes of the common library's
 * `DockerEnvApiClient` (typed by the API spec), which is what `plugin.tsx` provides.
 *
 * @public
 */
export type DockerEnvApi = Pick<
  DockerEnvApiClient,
  | 'listEnvironments'
  | 'getEnvironment'
  | 'checkName'
  | 'extendEnvironment'
  | 'resizeEnvironment'
  | 'transferEnvironment'
  | 'triggerTeamSync'
  | 'getUsage'
  | 'pauseEnvironment'
  | 'resumeEnvironment'
  | 'deleteEnvironment'
  | 'listOperations'
  | 'listSnapshots'
  | 'createSnapshot'
  | 'rollbackSnapshot'
  | 'deleteSnapshot'
  | 'listContainers'
  | 'getContainerLogs'
  | 'getQuota'
  | 'getDefaultQuota'
  | 'listOverQuota'
  | 'setQuota'
  | 'listRequests'
  | 'approveRequest'
  | 'rejectRequest'
  | 'listAuditEvents'
  | 'getPlatformStatus'
  | 'listDeployTokens'
  | 'createDeployToken'
  | 'revokeDeployToken'
  | 'listDeployments'
  | 'getDeployment'
  | 'listDrift'
  | 'getEnvironmentDrift'
  | 'listFinalBackups'
  | 'restoreFinalBackup'
>;

/**
 * API reference for {@link DockerEnvApi}.
 *
 * @public
 */
export const dockerEnvApiRef = createApiRef<DockerEnvApi>().with({
  id: 'plugin.docker-env.api',
});
