import {
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { lazy, Suspense, useState } from 'react';
import type { Usage } from '../../../api';
import { formatSize, formatTime } from '../../common/format';
import { useEnvironmentPermissions } from '../../common/usePermissions';
import { usePolling } from '../../common/usePolling';
import { useEnvironment } from '../useEnvironment';
import { ResizeDialog } from './ResizeDialog';

// the charting library is loaded with the tab's charts, not with the plugin
const UsageCharts = lazy(() =>
  import('./UsageCharts').then(m => ({ default: m.UsageCharts })),
);

/** How often the open tab reads the usage again (the backend shares one read for 10 s). */
export const USAGE_REFRESH_MS = { value: 15_000 };

const RANGES: Array<{ value: Usage['range']; label: string }> = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
  { value: 'week', label: 'Last week' },
  { value: 'month', label: 'Last month' },
];

const containerColumns: TableColumn<Usage['containers'][number]>[] = [
  { title: 'Container', field: 'name' },
  { title: 'State', field: 'state' },
  {
    title: 'CPU',
    render: c => (c.cpuPercent === null ? '-' : `${c.cpuPercent} %`),
  },
  {
    title: 'Memory',
    render: c =>
      c.memoryBytes === null
        ? '-'
        : `${Math.round(c.memoryBytes / 1024 / 1024)} MiB`,
  },
  { title: 'Restarts', field: 'restartCount' },
];

/** The usage tab: CPU, memory, disk and network over a range with the limits, per container, and resize. */
export function UsageContent() {
  const { name, api, value: env } = useEnvironment();
  const { canResize } = useEnvironmentPermissions(env?.id);
  const [range, setRange] = useState<Usage['range']>('hour');
  const [resizing, setResizing] = useState(false);
  const paused = env?.status === 'paused';
  const usage = usePolling(
    () => api.getUsage(name, range),
    [api, name, range],
    () => USAGE_REFRESH_MS.value,
  );
  const header = (
    <Box display="flex" alignItems="center" mb={2} style={{ gap: 16 }}>
      <TextField
        select
        id="usage-range"
        label="Range"
        value={range}
        onChange={e => setRange(e.target.value as Usage['range'])}
        style={{ minWidth: 160 }}
      >
        {RANGES.map(r => (
          <MenuItem key={r.value} value={r.value}>
            {r.label}
          </MenuItem>
        ))}
      </TextField>
      {env && <Typography>Size: {formatSize(env)}</Typography>}
      {env && (
        <Button
          variant="outlined"
          disabled={!canResize || !['ready', 'paused'].includes(env.status)}
          onClick={() => setResizing(true)}
        >
          Resize
        </Button>
      )}
      {usage.value && (
        <Typography variant="caption" color="textSecondary">
          Read {formatTime(usage.value.readAt)}
        </Typography>
      )}
    </Box>
  );
  let body;
  if (paused)
    body = (
      <EmptyState
        missing="data"
        title={`${name} is paused`}
        description="Its CT is stopped, so there is no usage to draw. Resume it to see CPU and memory again; a resize made now applies at the resume."
      />
    );
  else if (!usage.value && usage.loading) body = <Progress />;
  else if (!usage.value) body = <ResponseErrorPanel error={usage.error!} />;
  else
    body = (
      <>
        <Suspense fallback={<Progress />}>
          <UsageCharts usage={usage.value} />
        </Suspense>
        <Box mt={3}>
          <Table
            title="Containers"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={containerColumns}
            data={usage.value.containers}
            emptyContent={
              <Box p={2}>
                <Typography>
                  {usage.value.containersError ?? 'No containers run yet.'}
                </Typography>
              </Box>
            }
          />
        </Box>
      </>
    );
  return (
    <Content>
      {header}
      {body}
      {env && resizing && (
        <ResizeDialog
          environment={env}
          api={api}
          open
          onClose={resized => {
            setResizing(false);
            if (resized) {
              usage.retry();
            }
          }}
        />
      )}
    </Content>
  );
}
