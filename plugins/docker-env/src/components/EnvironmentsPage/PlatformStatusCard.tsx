import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { DockerEnvApi } from '../../api';

/** For admins: each external system up or down, with its version. */
export function PlatformStatusCard(props: { api: DockerEnvApi }) {
  const { api } = props;
  const { value, loading, error } = useAsync(
    () => api.getPlatformStatus(),
    [api],
  );
  return (
    <InfoCard title="Platform status">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value?.systems.map(system => (
        <Typography key={system.name}>
          {system.reachable ? <StatusOK /> : <StatusError />}
          {`${system.name}: ${system.reachable ? 'up' : 'down'}${
            system.version ? ` (version ${system.version})` : ''
          }${system.error ? ` - ${system.error}` : ''}`}
        </Typography>
      ))}
    </InfoCard>
  );
}
