import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { validateProjectName } from '@docker-env/plugin-docker-env-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { FinalBackup, dockerEnvApiRef } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { formatTime } from '../common/format';
import { useIsDockerEnvAdmin } from '../common/usePermissions';
import { InputDialog } from '../entity/dialogs';

/** Why a non-admin cannot restore. */
export const RESTORE_NOT_ALLOWED =
  'Only docker-env admins may restore a final backup';

/** The final backups deleted environments left; an admin restores one into a new environment. */
export function FinalBackupsPage() {
  const api = useApi(dockerEnvApiRef);
  const alertApi = useApi(alertApiRef);
  const admin = useIsDockerEnvAdmin();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listFinalBackups(),
    [api],
  );
  const [restoring, setRestoring] = useState<FinalBackup>();
  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<FinalBackup>[] = [
    { title: 'Environment', field: 'environment' },
    { title: 'Owner', field: 'owner' },
    { title: 'Backup', render: b => `${b.volid} (CT ${b.vmid} on ${b.node})` },
    { title: 'Created', render: b => formatTime(b.createdAt) },
    { title: 'Pruned after', render: b => formatTime(b.expiresAt) },
    { title: 'Restored', render: b => (b.restoredTo ? 'yes' : 'no') },
    {
      title: 'Restore',
      render: b => (
        <AsyncButton
          size="small"
          color="primary"
          disabled={admin.loading}
          disabledReason={
            admin.loading || admin.allowed ? undefined : RESTORE_NOT_ALLOWED
          }
          onClick={async () => setRestoring(b)}
        >
          Restore
        </AsyncButton>
      ),
    },
  ];
  return (
    <>
      <Table
        title="Final backups"
        subtitle="The backup each delete took; retention prunes it after the date shown."
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        emptyContent={
          <Box p={2}>
            <Typography>No final backup is kept.</Typography>
          </Box>
        }
      />
      {restoring && (
        <InputDialog
          open
          title={`Restore ${restoring.environment}`}
          text={`A new environment of ${restoring.owner}, of the same size, is made from the backup (outside the owner's quota). Its name:`}
          label="New environment name"
          submitLabel="Restore"
          validate={v => {
            const issue = validateProjectName(v.trim())[0];
            return issue ? `The name ${issue.rule}` : undefined;
          }}
          onClose={() => setRestoring(undefined)}
          onSubmit={async v => {
            const answer = await api.restoreFinalBackup(restoring.id, v.trim());
            alertApi.post({
              message: `Restoring ${restoring.environment} as ${answer.environment.name}`,
              severity: 'success',
              display: 'transient',
            });
            retry();
          }}
        />
      )}
    </>
  );
}
