import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { DockerEnvApi } from '../../api';
import { formatTime } from '../common/format';
import { readableError } from '../common/errors';
import { usePolling } from '../common/usePolling';
import { driftKindWords, driftResource } from './driftWords';

/** How often the open flags are re-read (the reconciler runs every 10 minutes by default). */
export const DRIFT_POLL_MS = { value: 60_000 };

/**
 * The environment's open drift flags, in words; nothing while they load or when there are none, a short line when
 * they cannot be read (the rest of the card stays usable).
 */
export function EnvironmentDriftNotice(props: {
  name: string;
  api: DockerEnvApi;
}) {
  const { name, api } = props;
  const { value, error } = usePolling(
    () => api.getEnvironmentDrift(name),
    [api, name],
    () => DRIFT_POLL_MS.value,
  );
  if (!value) {
    return error ? (
      <Typography variant="body2" color="textSecondary">
        Could not check for drift: {readableError(error)}
      </Typography>
    ) : null;
  }
  if (value.length === 0) return null;
  return (
    <Box mt={2} aria-label="Drift">
      <Typography variant="subtitle2" color="error">
        Out of line with the portal ({value.length})
      </Typography>
      <ul style={{ margin: 0, paddingLeft: 20 }}>
        {value.map(flag => (
          <li key={flag.id}>
            <Typography variant="body2">
              {driftKindWords(flag.kind)} ({driftResource(flag)}): {flag.detail}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              seen since {formatTime(flag.firstSeenAt)}, last{' '}
              {formatTime(flag.lastSeenAt)}
            </Typography>
          </li>
        ))}
      </ul>
      <Typography variant="caption" color="textSecondary">
        The portal does not fix these by itself: ask an admin if you did not
        cause them.
      </Typography>
    </Box>
  );
}
