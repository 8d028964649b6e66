import {
  Content,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Snapshot } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { formatTime } from '../common/format';
import {
  NOT_ALLOWED_REASON,
  useEnvironmentPermissions,
} from '../common/usePermissions';
import { InputDialog } from './dialogs';
import { useEnvironment } from './useEnvironment';

/** The snapshots tab: create, roll back and delete snapshots. */
export function SnapshotsContent() {
  const { name, api, value: env } = useEnvironment();
  const permissions = useEnvironmentPermissions(env?.id);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listSnapshots(name),
    [api, name],
  );
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState<{
    snapshot: string;
    action: 'rollback' | 'delete';
  }>();
  let reason: string | undefined;
  if (permissions.loading) reason = 'Checking your permissions…';
  else if (!permissions.canUpdate) reason = NOT_ALLOWED_REASON;

  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<Snapshot>[] = [
    { title: 'Snapshot', field: 'name' },
    { title: 'Description', field: 'description' },
    { title: 'Created', render: s => formatTime(s.createdAt) },
    {
      title: 'Actions',
      render: s => (
        <Box display="flex" style={{ gap: 8 }}>
          <AsyncButton
            size="small"
            disabledReason={reason}
            onClick={async () =>
              setConfirm({ snapshot: s.name, action: 'rollback' })
            }
          >
            Roll back
          </AsyncButton>
          <AsyncButton
            size="small"
            color="secondary"
            disabledReason={reason}
            onClick={async () =>
              setConfirm({ snapshot: s.name, action: 'delete' })
            }
          >
            Delete
          </AsyncButton>
        </Box>
      ),
    },
  ];
  return (
    <Content>
      <Box mb={2}>
        <AsyncButton
          variant="contained"
          color="primary"
          disabledReason={reason}
          onClick={async () => setCreating(true)}
        >
          Create snapshot
        </AsyncButton>
      </Box>
      <Table
        title="Snapshots"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        emptyContent={
          <Box p={2}>
            <Typography>No snapshots of {name} yet.</Typography>
          </Box>
        }
      />
      {creating && (
        <InputDialog
          open
          title={`Snapshot ${name}`}
          text="Snapshots are kept 30 days."
          label="Description"
          submitLabel="Create snapshot"
          validate={v => (v.trim() ? undefined : 'Describe the snapshot')}
          onClose={() => setCreating(false)}
          onSubmit={async v => {
            await api.createSnapshot(name, v.trim());
            retry();
          }}
        />
      )}
      {confirm && (
        <InputDialog
          open
          danger
          title={
            confirm.action === 'rollback'
              ? `Roll ${name} back to ${confirm.snapshot}`
              : `Delete snapshot ${confirm.snapshot}`
          }
          text={
            confirm.action === 'rollback'
              ? 'Everything written since the snapshot is lost. Type the snapshot name to confirm.'
              : 'Type the snapshot name to confirm.'
          }
          label="Snapshot name"
          submitLabel={confirm.action === 'rollback' ? 'Roll back' : 'Delete'}
          validate={v =>
            v === confirm.snapshot ? undefined : `Type ${confirm.snapshot}`
          }
          onClose={() => setConfirm(undefined)}
          onSubmit={async () => {
            if (confirm.action === 'rollback') {
              await api.rollbackSnapshot(name, confirm.snapshot);
            } else {
              await api.deleteSnapshot(name, confirm.snapshot);
            }
            retry();
          }}
        />
      )}
    </Content>
  );
}
