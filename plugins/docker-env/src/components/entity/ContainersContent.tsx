import {
  Content,
  LogViewer,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Container } from '../../api';
import { readableError } from '../common/errors';
import { usePolling } from '../common/usePolling';
import { useEnvironment } from './useEnvironment';

function Logs(props: { name: string; container: string }) {
  const { api } = useEnvironment();
  const { value, loading, error } = useAsync(
    () => api.getContainerLogs(props.name, props.container, 500),
    [api, props.name, props.container],
  );
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography role="alert" color="error">
        Could not read the logs of {props.container}: {readableError(error)}
      </Typography>
    );
  }
  return (
    <Box height={400}>
      <LogViewer text={value || '(no output yet)'} />
    </Box>
  );
}

/** The containers tab: each container's state and health, and its logs on demand. */
export function ContainersContent() {
  const { name, api } = useEnvironment();
  const [selected, setSelected] = useState<string>();
  const { value, loading, error } = usePolling(
    () => api.listContainers(name),
    [api, name],
    () => 10000,
  );
  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<Container>[] = [
    { title: 'Name', field: 'name' },
    { title: 'Image', field: 'image' },
    { title: 'State', field: 'state' },
    {
      title: 'Health',
      render: c =>
        !c.health || c.health === 'none' ? 'no health check' : c.health,
    },
    { title: 'Restarts', render: c => c.restartCount ?? '' },
    {
      title: 'Logs',
      render: c => (
        <Button size="small" onClick={() => setSelected(c.name)}>
          Show logs
        </Button>
      ),
    },
  ];
  return (
    <Content>
      <Table
        title="Containers"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        emptyContent={
          <Box p={2}>
            <Typography>No containers run in {name} yet.</Typography>
          </Box>
        }
      />
      {selected && (
        <Box mt={2}>
          <Typography variant="h6">Logs of {selected}</Typography>
          <Logs name={name} container={selected} />
        </Box>
      )}
    </Content>
  );
}
