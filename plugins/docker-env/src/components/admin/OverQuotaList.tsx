import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dockerEnvApiRef } from '../../api';
import { readableError } from '../common/errors';

/**
 * The owners whose usage is over their quota (a lowered quota takes nothing away; their growth is refused), each with
 * the fields they are over: `cpuCores 3 of 2`.
 */
export function OverQuotaList() {
  const api = useApi(dockerEnvApiRef);
  const { value, loading, error } = useAsync(() => api.listOverQuota(), [api]);
  if (loading) return <Progress />;
  if (error)
    return (
      <Typography role="alert" color="error">
        Could not read who is over their quota: {readableError(error)}
      </Typography>
    );
  if (!value?.length)
    return <Typography paragraph>No owner is over their quota.</Typography>;
  return (
    <>
      <Typography variant="subtitle2">Over their quota</Typography>
      <ul>
        {value.map(o => (
          <li key={o.owner}>
            {o.owner}:{' '}
            {o.over
              .map(
                f =>
                  `${f} ${(o.usage as Record<string, number>)[f]} of ${
                    (o.quota as Record<string, number>)[f]
                  }`,
              )
              .join(', ')}
          </li>
        ))}
      </ul>
    </>
  );
}
