import Box from '@material-ui/core/Box';
import { useState } from 'react';
import { DELETABLE_STATUSES } from '@docker-env/plugin-docker-env-common';
import { DockerEnvApi, Environment } from '../../api';
import { AsyncButton } from '../common/AsyncButton';
import { statusLabel, TRANSITIONAL_STATUSES } from '../common/status';
import { NOT_ALLOWED_REASON } from '../common/usePermissions';
import { InputDialog } from './dialogs';

interface Permissions {
  loading: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  canTransfer?: boolean;
}

/** A user or group entity ref, as the transfer asks for it. */
const OWNER_REF = /^(user|group):([a-z0-9-]+\/)?[A-Za-z0-9._-]+$/i;

function reasonFor(
  env: Environment,
  permissions: Permissions,
  allowed: boolean,
  wanted: string[],
  verb: string,
): string | undefined {
  if (permissions.loading) return 'Checking your permissions…';
  if (!allowed) return NOT_ALLOWED_REASON;
  if (!wanted.includes(env.status)) {
    const what = wanted.map(statusLabel).join(' or ').toLowerCase();
    return `Only a ${what} environment can be ${verb}; this one is ${statusLabel(
      env.status,
    ).toLowerCase()}`;
  }
  return undefined;
}

/** Pause, resume, snapshot, transfer and delete, each disabled with its reason when it cannot be taken. */
export function EnvironmentActions(props: {
  env: Environment;
  api: DockerEnvApi;
  permissions: Permissions;
  onChanged: () => void;
}) {
  const { env, api, permissions, onChanged } = props;
  const [dialog, setDialog] = useState<'snapshot' | 'transfer' | 'delete'>();
  const busy = TRANSITIONAL_STATUSES.has(env.status);
  const pauseReason = reasonFor(
    env,
    permissions,
    permissions.canUpdate,
    ['ready'],
    'paused',
  );
  const resumeReason = reasonFor(
    env,
    permissions,
    permissions.canUpdate,
    ['paused'],
    'resumed',
  );
  const snapshotReason = reasonFor(
    env,
    permissions,
    permissions.canUpdate,
    ['ready', 'paused'],
    'snapshotted',
  );
  const transferReason = reasonFor(
    env,
    permissions,
    permissions.canTransfer ?? false,
    ['ready', 'paused'],
    'transferred',
  );
  const deleteReason = reasonFor(
    env,
    permissions,
    permissions.canDelete,
    [...DELETABLE_STATUSES],
    'deleted',
  );
  const then = (p: Promise<unknown>) => p.then(onChanged);
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
      <AsyncButton
        variant="outlined"
        disabledReason={pauseReason}
        onClick={() => then(api.pauseEnvironment(env.name))}
        successMessage={`Pausing ${env.name}`}
      >
        Pause
      </AsyncButton>
      <AsyncButton
        variant="outlined"
        disabledReason={resumeReason}
        onClick={() => then(api.resumeEnvironment(env.name))}
        successMessage={`Resuming ${env.name}`}
      >
        Resume
      </AsyncButton>
      <AsyncButton
        variant="outlined"
        disabledReason={snapshotReason}
        onClick={async () => setDialog('snapshot')}
      >
        Snapshot
      </AsyncButton>
      <AsyncButton
        variant="outlined"
        disabledReason={transferReason}
        onClick={async () => setDialog('transfer')}
      >
        Transfer ownership
      </AsyncButton>
      <AsyncButton
        variant="outlined"
        color="secondary"
        disabledReason={
          busy ? 'Wait until the running operation ends' : deleteReason
        }
        onClick={async () => setDialog('delete')}
      >
        Delete
      </AsyncButton>
      {dialog === 'snapshot' && (
        <InputDialog
          open
          title={`Snapshot ${env.name}`}
          text="A snapshot keeps the environment's disk as it is now; you can roll back to it later. Snapshots are kept 30 days."
          label="Description"
          submitLabel="Create snapshot"
          validate={v => (v.trim() ? undefined : 'Describe the snapshot')}
          onClose={() => setDialog(undefined)}
          onSubmit={v => then(api.createSnapshot(env.name, v.trim()))}
        />
      )}
      {dialog === 'transfer' && (
        <InputDialog
          open
          title={`Transfer ${env.name}`}
          text="The new owner gets the environment, its Portainer access and registries, and its quota counts it; the current owner's team loses access. You must belong to the new owner (admins excepted). Deploy tokens of people outside the new owner stop working."
          label="New owner (user:default/name or group:default/name)"
          submitLabel="Transfer"
          validate={v =>
            OWNER_REF.test(v.trim())
              ? undefined
              : 'Give a user or group entity ref, such as group:default/team-a'
          }
          onClose={() => setDialog(undefined)}
          onSubmit={v => then(api.transferEnvironment(env.name, v.trim()))}
        />
      )}
      {dialog === 'delete' && (
        <InputDialog
          open
          danger
          title={`Delete ${env.name}`}
          text={
            <>
              This removes the containers, the LXC, the routes and the Portainer
              environment. A final backup is kept for the retention period. Type{' '}
              <b>{env.name}</b> to confirm.
            </>
          }
          label="Environment name"
          submitLabel="Delete"
          validate={v =>
            v === env.name ? undefined : `Type ${env.name} exactly`
          }
          onClose={() => setDialog(undefined)}
          onSubmit={v => then(api.deleteEnvironment(env.name, v))}
        />
      )}
    </Box>
  );
}
