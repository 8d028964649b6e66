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
import { ACTIVE_OPERATION_STATUSES } from '@docker-env/plugin-docker-env-common';
import { Snapshot } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { formatTime } from '../common/format';
import { usePolling } from '../common/usePolling';
import {
  NOT_ALLOWED_REASON,
  useEnvironmentPermissions,
} from '../common/usePermissions';
import { InputDialog } from './dialogs';
import { POLL_MS, useEnvironment } from './useEnvironment';

const ACTIVE: ReadonlySet<string> = new Set(ACTIVE_OPERATION_STATUSES);

/**
 * The snapshots tab: create, roll back and delete snapshots. The list follows the environment's snapshot
 * operations: re-read fast while one is queued or running (an operation answers 202 before Proxmox has the
 * snapshot), slowly otherwise.
 */
export function SnapshotsContent() {
  const { name, api, value: env } = useEnvironment();
  const permissions = useEnvironmentPermissions(env?.id);
  const state = usePolling(
    async () => {
      const [snapshots, operations] = await Promise.all([
        api.listSnapshots(name),
        api.listOperations(name),
      ]);
      const running = operations.filter(
        o => o.kind.startsWith('snapshot_') && ACTIVE.has(o.status),
      );
      return { snapshots, running };
    },
    [api, name],
    v => (v?.running.length ? POLL_MS.changing : POLL_MS.steady),
  );
  const { loading, error, retry } = state;
  const value = state.value?.snapshots;
  const running = state.value?.running ?? [];
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
      {running.length > 0 && (
        <Box mb={2}>
          <Progress />
          <Typography variant="body2">
            {running
              .map(
                o => `${o.kind.replace('snapshot_', 'snapshot ')} ${o.status}`,
              )
              .join(', ')}
            …
          </Typography>
        </Box>
      )}
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
