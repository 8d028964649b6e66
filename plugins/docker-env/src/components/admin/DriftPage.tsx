import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { DriftFlag, DriftKind, dockerEnvApiRef } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { formatTime } from '../common/format';
import { DRIFT_KIND_WORDS, driftResource } from '../drift/driftWords';

const ALL = 'all';

/**
 * The reconciler's open drift flags across all environments, filtered by kind; and the Portainer team sync, run now
 * on request.
 */
export function DriftPage() {
  const api = useApi(dockerEnvApiRef);
  const [kind, setKind] = useState<DriftKind | typeof ALL>(ALL);
  const { value, loading, error } = useAsyncRetry(
    () => api.listDrift(kind === ALL ? {} : { kind }),
    [api, kind],
  );
  const columns: TableColumn<DriftFlag>[] = [
    { title: 'Environment', render: f => f.environmentName ?? '-' },
    { title: 'Resource', render: f => driftResource(f) },
    { title: 'Drift', render: f => DRIFT_KIND_WORDS[f.kind] ?? f.kind },
    { title: 'Detail', field: 'detail' },
    { title: 'First seen', render: f => formatTime(f.firstSeenAt) },
    { title: 'Last seen', render: f => formatTime(f.lastSeenAt) },
  ];
  return (
    <>
      <Box mb={2} display="flex" alignItems="center" style={{ gap: 16 }}>
        <AsyncButton
          variant="outlined"
          onClick={() => api.triggerTeamSync()}
          successMessage="Team sync started: each change lands in the audit log"
        >
          Sync Portainer teams now
        </AsyncButton>
        <Typography variant="body2" color="textSecondary">
          Makes every environment's Portainer team hold its owner's current
          members (it also runs on its schedule).
        </Typography>
      </Box>
      <Box mb={2} maxWidth={480}>
        <TextField
          id="docker-env-drift-kind"
          select
          fullWidth
          label="Kind"
          value={kind}
          onChange={e => setKind(e.target.value as DriftKind | typeof ALL)}
        >
          <MenuItem value={ALL}>All kinds</MenuItem>
          {Object.entries(DRIFT_KIND_WORDS).map(([code, words]) => (
            <MenuItem key={code} value={code}>
              {words}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {loading && <Progress />}
      {!loading && error && <ResponseErrorPanel error={error} />}
      {!loading && value && (
        <Table
          title="Open drift flags"
          subtitle="What the reconciler found out of line between the records and Proxmox, Portainer, NetBox and the routes; it fixes route files itself and leaves the rest to an admin."
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={value}
          emptyContent={
            <Box p={2}>
              <Typography>
                {kind === ALL
                  ? 'No open drift: the records and the systems agree.'
                  : 'No open drift of this kind.'}
              </Typography>
            </Box>
          }
        />
      )}
    </>
  );
}
