import {
  Content,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { Operation } from '../../api';
import { formatDuration, formatTime } from '../common/format';
import { StepsTable } from '../common/StepsTable';
import { usePolling } from '../common/usePolling';
import { useEnvironment } from './useEnvironment';

/** A string the rollout recorded under `key` (input.deployment or result), or "-". */
function deploymentField(o: Operation, key: string): string {
  const spec = (o.input?.deployment ?? {}) as Record<string, unknown>;
  const value = spec[key] ?? o.result?.[key];
  return typeof value === 'string' ? value : '-';
}

function logsOf(facts: Record<string, unknown>): string | undefined {
  const logs = facts.logs ?? facts.logTail;
  return typeof logs === 'string' && logs ? logs : undefined;
}

/** One deployment read afresh: its steps with timings, their logs and errors, and the rollout's error. */
function DeploymentDetail(props: { name: string; id: string }) {
  const { api } = useEnvironment();
  const { value, loading, error } = useAsync(
    () => api.getDeployment(props.name, props.id),
    [api, props.name, props.id],
  );
  if (loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  return (
    <StepsTable
      label="deployment steps"
      steps={value.steps}
      extra={step => logsOf(step.facts) && <pre>{logsOf(step.facts)}</pre>}
      footer={
        value.error && (
          <Typography
            component="pre"
            variant="body2"
            color="error"
            style={{ whiteSpace: 'pre-wrap' }}
          >
            {value.error}
          </Typography>
        )
      }
    />
  );
}

/** The deployments tab: the rollout history, newest first; a row expands to its steps, timings and logs. */
export function DeploymentsContent() {
  const { name, api } = useEnvironment();
  const { value, loading, error } = usePolling(
    async () =>
      (await api.listDeployments(name)).sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      ),
    [api, name],
    ops =>
      ops?.some(o => o.status === 'running' || o.status === 'queued')
        ? 2000
        : undefined,
  );
  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<Operation>[] = [
    { title: 'Status', field: 'status' },
    { title: 'Image', render: o => deploymentField(o, 'image') },
    { title: 'Container', render: o => deploymentField(o, 'container') },
    { title: 'Started', render: o => formatTime(o.startedAt ?? o.createdAt) },
    { title: 'Duration', render: o => formatDuration(o.startedAt, o.endedAt) },
  ];
  return (
    <Content>
      <Table
        title="Deployments"
        options={{
          paging: true,
          pageSize: 20,
          search: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value}
        detailPanel={({ rowData }) => (
          <DeploymentDetail name={name} id={rowData.id} />
        )}
        emptyContent={
          <Box p={2}>
            <Typography>
              No deployments to {name} yet: a CI job deploys with a deploy
              token.
            </Typography>
          </Box>
        }
      />
    </Content>
  );
}
