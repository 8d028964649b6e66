import { usePermission } from '@backstage/plugin-permission-react';
import {
  dockerEnvAdminPermission,
  environmentDeletePermission,
  environmentResizePermission,
  environmentTransferPermission,
  environmentUpdatePermission,
} from '@docker-env/plugin-docker-env-common';

/** Why an action is refused when the permission framework says no. */
export const NOT_ALLOWED_REASON =
  'Only the owner, members of the owning group and admins may do this';

/**
 * What the signed-in user may do with one environment. The resource is the environment's record id (what the
 * backend's permission resource type loads); while the record is not read yet, nothing is allowed.
 */
export function useEnvironmentPermissions(resourceRef: string | undefined) {
  const update = usePermission({
    permission: environmentUpdatePermission,
    resourceRef,
  });
  const remove = usePermission({
    permission: environmentDeletePermission,
    resourceRef,
  });
  const resize = usePermission({
    permission: environmentResizePermission,
    resourceRef,
  });
  const transfer = usePermission({
    permission: environmentTransferPermission,
    resourceRef,
  });
  return {
    loading:
      update.loading || remove.loading || resize.loading || transfer.loading,
    canUpdate: update.allowed,
    canDelete: remove.allowed,
    canResize: resize.allowed,
    canTransfer: transfer.allowed,
  };
}

/** Whether the signed-in user is a docker-env admin. */
export function useIsDockerEnvAdmin() {
  const { loading, allowed } = usePermission({
    permission: dockerEnvAdminPermission,
  });
  return { loading, allowed };
}
