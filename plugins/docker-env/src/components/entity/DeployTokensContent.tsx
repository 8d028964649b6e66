import {
  Content,
  CopyTextButton,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { CreatedDeployToken, DeployToken } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { readableError } from '../common/errors';
import { formatTime } from '../common/format';
import {
  NOT_ALLOWED_REASON,
  useEnvironmentPermissions,
} from '../common/usePermissions';
import { expiryProblem } from './dialogs';
import { useEnvironment } from './useEnvironment';

/** Asks for a description and an optional expiry, creates the token, then shows it once. */
function CreateTokenDialog(props: {
  name: string;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { api } = useEnvironment();
  const [description, setDescription] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedDeployToken>();
  const problem = expiresOn ? expiryProblem(expiresOn) : undefined;
  const submit = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setCreated(
        await api.createDeployToken(props.name, {
          description: description.trim(),
          ...(expiresOn ? { expiresOn } : {}),
        }),
      );
      props.onCreated();
    } catch (e) {
      setError(readableError(e));
    } finally {
      setRunning(false);
    }
  };
  if (created) {
    return (
      <Dialog open onClose={props.onClose} fullWidth>
        <DialogTitle>Deploy token created</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Copy the token now: it is shown only once. Store it as a masked CI
            variable (see docs/gitlab_ci_integration.md).
          </DialogContentText>
          <Box display="flex" alignItems="center">
            <Typography
              component="code"
              aria-label="token"
              style={{ wordBreak: 'break-all' }}
            >
              {created.token}
            </Typography>
            <CopyTextButton text={created.token} />
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Done</Button>
        </DialogActions>
      </Dialog>
    );
  }
  return (
    <Dialog open onClose={running ? undefined : props.onClose} fullWidth>
      <DialogTitle>New deploy token for {props.name}</DialogTitle>
      <DialogContent>
        <DialogContentText>
          A CI job presents the token in X-Deploy-Token to deploy to this
          environment only.
        </DialogContentText>
        <TextField
          id="docker-env-token-description"
          fullWidth
          margin="dense"
          label="Description"
          value={description}
          onChange={e => setDescription(e.target.value)}
          disabled={running}
        />
        <TextField
          id="docker-env-token-expiry"
          fullWidth
          margin="dense"
          type="date"
          label="Expires on (optional)"
          InputLabelProps={{ shrink: true }}
          value={expiresOn}
          onChange={e => setExpiresOn(e.target.value)}
          error={!!problem}
          helperText={problem}
          disabled={running}
        />
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={running}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={running || !!problem}
        >
          Create token
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The deploy tokens tab: create (shown once), list with last use and expiry, revoke. */
export function DeployTokensContent() {
  const { name, api, value: env } = useEnvironment();
  const permissions = useEnvironmentPermissions(env?.id);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listDeployTokens(name),
    [api, name],
  );
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<DeployToken>();
  const [revokeError, setRevokeError] = useState<string>();
  let reason: string | undefined;
  if (permissions.loading) reason = 'Checking your permissions…';
  else if (!permissions.canUpdate) reason = NOT_ALLOWED_REASON;

  if (!value && loading) return <Progress />;
  if (!value) return <ResponseErrorPanel error={error!} />;
  const columns: TableColumn<DeployToken>[] = [
    { title: 'Description', render: t => t.description || '-' },
    { title: 'Created by', field: 'createdBy' },
    { title: 'Created', render: t => formatTime(t.createdAt) },
    { title: 'Last used', render: t => formatTime(t.lastUsedAt) },
    { title: 'Expires', render: t => formatTime(t.expiresAt) },
    {
      title: 'Actions',
      render: t =>
        t.revokedAt ? (
          `revoked ${formatTime(t.revokedAt)}`
        ) : (
          <AsyncButton
            size="small"
            color="secondary"
            disabledReason={reason}
            onClick={async () => {
              setRevokeError(undefined);
              setRevoking(t);
            }}
          >
            Revoke
          </AsyncButton>
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
          Create token
        </AsyncButton>
      </Box>
      <Table
        title="Deploy tokens"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value}
        emptyContent={
          <Box p={2}>
            <Typography>No deploy tokens for {name} yet.</Typography>
          </Box>
        }
      />
      {creating && (
        <CreateTokenDialog
          name={name}
          onClose={() => setCreating(false)}
          onCreated={retry}
        />
      )}
      {revoking && (
        <Dialog open onClose={() => setRevoking(undefined)}>
          <DialogTitle>Revoke deploy token</DialogTitle>
          <DialogContent>
            <DialogContentText>
              Revoke “{revoking.description || revoking.id}”? CI jobs using it
              can no longer deploy to {name}.
            </DialogContentText>
            {revokeError && (
              <Typography role="alert" color="error" variant="body2">
                {revokeError}
              </Typography>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setRevoking(undefined)}>Cancel</Button>
            <AsyncButton
              variant="contained"
              color="secondary"
              onClick={async () => {
                try {
                  await api.revokeDeployToken(name, revoking.id);
                  setRevoking(undefined);
                  retry();
                } catch (e) {
                  setRevokeError(readableError(e));
                }
              }}
            >
              Revoke
            </AsyncButton>
          </DialogActions>
        </Dialog>
      )}
    </Content>
  );
}
