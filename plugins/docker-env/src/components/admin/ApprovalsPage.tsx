import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ApprovalRequest, dockerEnvApiRef } from '../../api';
import { InputDialog } from '../entity/dialogs';
import { AsyncButton } from '../common/AsyncButton';
import { formatSize, formatTime } from '../common/format';

/** The approvals queue: pending requests, approve or reject with a reason. */
export function ApprovalsPage() {
  const api = useApi(dockerEnvApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listRequests('pending'),
    [api],
  );
  const [rejecting, setRejecting] = useState<ApprovalRequest>();
  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<ApprovalRequest>[] = [
    { title: 'Environment', field: 'environment' },
    { title: 'Owner', field: 'owner' },
    { title: 'Requested by', render: r => r.requestedBy ?? '' },
    { title: 'Size', render: r => formatSize(r) },
    { title: 'Over quota', render: r => r.quotaReason ?? '' },
    { title: 'Requested', render: r => formatTime(r.createdAt) },
    {
      title: 'Decision',
      render: r => (
        <Box display="flex" style={{ gap: 8 }}>
          <AsyncButton
            size="small"
            color="primary"
            variant="contained"
            successMessage={`Approved ${r.environment}: provisioning starts`}
            onClick={async () => {
              await api.approveRequest(r.id);
              retry();
            }}
          >
            Approve
          </AsyncButton>
          <AsyncButton
            size="small"
            color="secondary"
            onClick={async () => setRejecting(r)}
          >
            Reject
          </AsyncButton>
        </Box>
      ),
    },
  ];
  return (
    <>
      <Table
        title="Requests awaiting approval"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        emptyContent={
          <Box p={2}>
            <Typography>No request awaits approval.</Typography>
          </Box>
        }
      />
      {rejecting && (
        <InputDialog
          open
          danger
          title={`Reject ${rejecting.environment}`}
          text="The requester is told the reason."
          label="Reason"
          submitLabel="Reject"
          validate={v => (v.trim() ? undefined : 'Give a reason')}
          onClose={() => setRejecting(undefined)}
          onSubmit={async v => {
            await api.rejectRequest(rejecting.id, v.trim());
            retry();
          }}
        />
      )}
    </>
  );
}
