import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { Usage } from '../../../api';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** One chart's rows: time (ms) and its values in the chart's unit, unknown points left out of the line. */
type Row = { time: number } & Record<string, number | undefined>;

function rowsOf(
  usage: Usage,
  pick: (p: Usage['series'][number]) => Record<string, number | undefined>,
): Row[] {
  return usage.series.map(p => ({ time: p.time * 1000, ...pick(p) }));
}

const timeLabel = (range: Usage['range']) => (ms: number) => {
  const d = new Date(ms);
  return range === 'hour' || range === 'day'
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString([], { month: 'short', day: 'numeric' });
};

function Chart(props: {
  title: string;
  summary: string;
  unit: string;
  rows: Row[];
  lines: Array<{ key: string; name: string; color: string }>;
  limit?: number;
  range: Usage['range'];
}) {
  const format = timeLabel(props.range);
  return (
    <Grid item xs={12} md={6}>
      <Typography variant="h6">{props.title}</Typography>
      <Typography variant="body2" color="textSecondary">
        {props.summary}
      </Typography>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={props.rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={format}
          />
          <YAxis
            unit={` ${props.unit}`}
            width={80}
            domain={[0, props.limit ? Math.ceil(props.limit * 1.1) : 'auto']}
          />
          <Tooltip
            labelFormatter={v => format(Number(v))}
            formatter={(v: number) => `${v.toFixed(2)} ${props.unit}`}
          />
          <Legend />
          {props.lines.map(l => (
            <Line
              key={l.key}
              dataKey={l.key}
              name={l.name}
              stroke={l.color}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
          {props.limit !== undefined && (
            <ReferenceLine
              y={props.limit}
              stroke="#d32f2f"
              strokeDasharray="6 3"
              label={`limit ${props.limit} ${props.unit}`}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </Grid>
  );
}

const round = (n: number) => Math.round(n * 100) / 100;

/** CPU (cores), memory (MiB), disk (GiB) and network (KiB/s) over the range, each limit drawn as a dashed line. */
export function UsageCharts(props: { usage: Usage }) {
  const { usage } = props;
  const { limits, current } = usage;
  const cores = limits.cpuCores;
  return (
    <Grid container spacing={3}>
      <Chart
        title="CPU"
        unit="cores"
        range={usage.range}
        summary={`Now ${round(current.cpu * cores)} of ${cores} cores`}
        rows={rowsOf(usage, p => ({
          cpu: p.cpu === undefined ? undefined : round(p.cpu * cores),
        }))}
        lines={[{ key: 'cpu', name: 'CPU in use', color: '#1976d2' }]}
        limit={cores}
      />
      <Chart
        title="Memory"
        unit="MiB"
        range={usage.range}
        summary={`Now ${Math.round(current.mem / MiB)} of ${Math.round(
          limits.memoryBytes / MiB,
        )} MiB`}
        rows={rowsOf(usage, p => ({
          mem: p.mem === undefined ? undefined : Math.round(p.mem / MiB),
        }))}
        lines={[{ key: 'mem', name: 'Memory in use', color: '#388e3c' }]}
        limit={Math.round(limits.memoryBytes / MiB)}
      />
      <Chart
        title="Disk"
        unit="GiB"
        range={usage.range}
        summary={`Now ${round(current.disk / GiB)} of ${round(
          limits.diskBytes / GiB,
        )} GiB`}
        rows={rowsOf(usage, p => ({
          disk: p.disk === undefined ? undefined : round(p.disk / GiB),
        }))}
        lines={[{ key: 'disk', name: 'Disk used', color: '#f57c00' }]}
        limit={round(limits.diskBytes / GiB)}
      />
      <Chart
        title="Network"
        unit="KiB/s"
        range={usage.range}
        summary={`Since start: ${Math.round(
          current.netin / MiB,
        )} MiB in, ${Math.round(current.netout / MiB)} MiB out`}
        rows={rowsOf(usage, p => ({
          netin: p.netin === undefined ? undefined : round(p.netin / 1024),
          netout: p.netout === undefined ? undefined : round(p.netout / 1024),
        }))}
        lines={[
          { key: 'netin', name: 'In', color: '#7b1fa2' },
          { key: 'netout', name: 'Out', color: '#c2185b' },
        ]}
      />
    </Grid>
  );
}
