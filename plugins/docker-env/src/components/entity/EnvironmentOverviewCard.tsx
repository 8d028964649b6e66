import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { AsyncButton } from '../common/AsyncButton';
import { formatSize, formatTime } from '../common/format';
import { EnvironmentDriftNotice } from '../drift/EnvironmentDriftNotice';
import { StatusChip } from '../common/status';
import { useEnvironmentPermissions } from '../common/usePermissions';
import { EnvironmentActions } from './EnvironmentActions';
import { InputDialog, expiryProblem } from './dialogs';
import { useEnvironment } from './useEnvironment';

/** The overview card of an environment's entity page: its facts and its lifecycle actions. */
export function EnvironmentOverviewCard() {
  const { name, api, value: env, error, loading, retry } = useEnvironment();
  const permissions = useEnvironmentPermissions(env?.id);
  const [extending, setExtending] = useState(false);

  if (!env && loading) return <Progress />;
  if (!env) {
    return (
      <InfoCard title="Docker environment">
        <ResponseErrorPanel
          error={error ?? new Error(`No record of ${name}`)}
        />
      </InfoCard>
    );
  }
  const link = (href: string | null) =>
    href ? <Link to={href}>{href}</Link> : 'not yet';
  return (
    <InfoCard title={`Docker environment ${env.name}`}>
      {error && (
        <Typography role="alert" color="error" variant="body2">
          Could not refresh: {error.message}
        </Typography>
      )}
      <StructuredMetadataTable
        metadata={{
          status: (
            <Box display="flex" alignItems="center" style={{ gap: 8 }}>
              <StatusChip status={env.status} />
              {env.statusReason && (
                <Typography variant="body2" color="error">
                  {env.statusReason}
                </Typography>
              )}
            </Box>
          ),
          ...(env.leftovers?.length
            ? {
                'left behind': (
                  <Box>
                    <ul aria-label="left behind" style={{ margin: 0 }}>
                      {env.leftovers.map(item => (
                        <li key={item}>
                          <Typography variant="body2">{item}</Typography>
                        </li>
                      ))}
                    </ul>
                    <Typography variant="body2">
                      Delete the environment to remove them.
                    </Typography>
                  </Box>
                ),
              }
            : {}),
          url: link(env.url),
          portainer: link(env.portainerUrl),
          owner: <EntityRefLink entityRef={env.owner} />,
          size: formatSize(env),
          created: formatTime(env.createdAt),
          expires: (
            <Box display="flex" alignItems="center" style={{ gap: 8 }}>
              <span>{env.expiresOn ? formatTime(env.expiresOn) : 'never'}</span>
              <AsyncButton
                size="small"
                disabledReason={
                  permissions.canUpdate || permissions.loading
                    ? undefined
                    : 'Only the owner, members of the owning group and admins may extend it'
                }
                onClick={async () => setExtending(true)}
              >
                Extend
              </AsyncButton>
            </Box>
          ),
        }}
      />
      <EnvironmentDriftNotice name={env.name} api={api} />
      <Box mt={2}>
        <EnvironmentActions
          env={env}
          api={api}
          permissions={permissions}
          onChanged={retry}
        />
      </Box>
      {extending && (
        <InputDialog
          open
          title={`Extend ${env.name}`}
          text="On this date the environment is paused (or deleted, where the platform is set so) unless extended again."
          label="New expiry date"
          type="date"
          initialValue={env.expiresOn?.slice(0, 10) ?? ''}
          submitLabel="Extend"
          validate={expiryProblem}
          onClose={() => setExtending(false)}
          onSubmit={async v => {
            await api.extendEnvironment(env.name, v);
            retry();
          }}
        />
      )}
    </InfoCard>
  );
}
