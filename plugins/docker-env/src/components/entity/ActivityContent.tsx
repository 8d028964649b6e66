import {
  Content,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import useAsync from 'react-use/esm/useAsync';
import { AuditEvent, Operation } from '../../api';
import { StepsTable } from '../common/StepsTable';
import { formatDuration, formatTime } from '../common/format';
import { TRANSITIONAL_STATUSES } from '../common/status';
import { usePolling } from '../common/usePolling';
import { useEnvironment } from './useEnvironment';

function Audit(props: { name: string }) {
  const { api } = useEnvironment();
  const { value, loading, error } = useAsync(
    () => api.listAuditEvents({ environment: props.name }),
    [api, props.name],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const columns: TableColumn<AuditEvent>[] = [
    { title: 'When', render: e => formatTime(e.at) },
    { title: 'Who', field: 'actor' },
    { title: 'What', field: 'action' },
    { title: 'Result', field: 'result' },
    { title: 'Reason', render: e => e.reason ?? '' },
  ];
  return (
    <Table
      title="Audit events"
      options={{ paging: true, pageSize: 20, search: false, padding: 'dense' }}
      columns={columns}
      data={value ?? []}
    />
  );
}

/** The activity tab: operations with their steps and timings, and the audit events. */
export function ActivityContent() {
  const { name, api } = useEnvironment();
  const { value, loading, error } = usePolling(
    () => api.listOperations(name),
    [api, name],
    ops =>
      ops?.some(
        o =>
          TRANSITIONAL_STATUSES.has(o.status) ||
          o.status === 'running' ||
          o.status === 'queued',
      )
        ? 2000
        : undefined,
  );
  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<Operation>[] = [
    { title: 'Operation', field: 'kind' },
    { title: 'Status', field: 'status' },
    { title: 'By', render: o => o.requestedBy ?? '' },
    { title: 'Started', render: o => formatTime(o.startedAt ?? o.createdAt) },
    { title: 'Took', render: o => formatDuration(o.startedAt, o.endedAt) },
    { title: 'Error', render: o => o.error ?? '' },
  ];
  return (
    <Content>
      <Table
        title="Operations"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        detailPanel={({ rowData }) => (
          <StepsTable label="steps" steps={rowData.steps ?? []} />
        )}
      />
      <Box mt={3}>
        <Audit name={name} />
      </Box>
    </Content>
  );
}
