import {
  Content,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dockerEnvApiRef } from '../api';

/** The plugin's page: the platform's status. Environment lists arrive with the backend's records. */
export function DockerEnvPage() {
  const api = useApi(dockerEnvApiRef);
  const { value, loading, error } = useAsync(() => api.getHealth(), [api]);
  return (
    <Page themeId="tool">
      <Header title="Docker environments" />
      <Content>
        {loading && <Progress />}
        {error && (
          <WarningPanel title="The docker-env backend is unreachable">
            {error.message}
          </WarningPanel>
        )}
        {value && (
          <Typography>Docker environment platform: {value.status}</Typography>
        )}
      </Content>
    </Page>
  );
}
