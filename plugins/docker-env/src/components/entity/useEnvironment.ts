import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { dockerEnvApiRef } from '../../api';
import { TRANSITIONAL_STATUSES } from '../common/status';
import { usePolling } from '../common/usePolling';

/** How often an environment is re-read while it changes, and otherwise. */
export const POLL_MS = { changing: 2000, steady: 30000 };

/** The environment behind the current catalog entity, re-read fast while its status moves on. */
export function useEnvironment() {
  const { entity } = useEntity();
  const name = entity.metadata.name;
  const api = useApi(dockerEnvApiRef);
  const state = usePolling(
    () => api.getEnvironment(name),
    [api, name],
    env =>
      env && TRANSITIONAL_STATUSES.has(env.status)
        ? POLL_MS.changing
        : POLL_MS.steady,
  );
  return { name, api, ...state };
}
