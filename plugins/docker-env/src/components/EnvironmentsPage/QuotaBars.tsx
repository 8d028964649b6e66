import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { DockerEnvApi, QuotaFigures } from '../../api';

const rows: Array<{ key: keyof QuotaFigures; label: string; unit: string }> = [
  { key: 'environments', label: 'Environments', unit: '' },
  { key: 'cpuCores', label: 'CPU cores', unit: '' },
  { key: 'memoryMb', label: 'Memory', unit: ' MiB' },
  { key: 'diskGb', label: 'Disk', unit: ' GiB' },
];

/** One owner's quota: a bar per resource with "used of allowed". */
export function QuotaBars(props: { api: DockerEnvApi; owner: string }) {
  const { api, owner } = props;
  const { value, loading, error } = useAsync(
    () => api.getQuota(owner),
    [api, owner],
  );
  if (loading) return <Progress />;
  if (error || !value) return <ResponseErrorPanel error={error!} />;
  return (
    <Box mb={2}>
      <Typography variant="subtitle1">
        Quota of <EntityRefLink entityRef={owner} />
      </Typography>
      <Grid container spacing={2}>
        {rows.map(({ key, label, unit }) => {
          const used = value.usage?.[key] ?? 0;
          const limit = value.quota[key] ?? 0;
          const percent = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
          return (
            <Grid item xs={12} sm={6} md={3} key={key}>
              <Typography variant="body2" id={`quota-${owner}-${key}`}>
                {label}: {used}
                {unit} of {limit}
                {unit}
              </Typography>
              <LinearProgress
                variant="determinate"
                value={percent}
                color={percent >= 90 ? 'secondary' : 'primary'}
                aria-labelledby={`quota-${owner}-${key}`}
              />
            </Grid>
          );
        })}
      </Grid>
    </Box>
  );
}
