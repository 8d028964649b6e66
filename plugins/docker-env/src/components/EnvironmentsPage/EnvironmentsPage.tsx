import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dockerEnvApiRef, Environment } from '../../api';
import { createEnvironmentRouteRef } from '../../routes';
import { StatusChip, TRANSITIONAL_STATUSES } from '../common/status';
import { useIsDockerEnvAdmin } from '../common/usePermissions';
import { usePolling } from '../common/usePolling';
import { PlatformStatusCard } from './PlatformStatusCard';
import { QuotaBars } from './QuotaBars';

/** Where the Create wizard's template lives under the scaffolder. */
export const TEMPLATE_PATH = '/templates/default/docker-environment';

function useCreateLink(): string {
  const createRoot = useRouteRef(createEnvironmentRouteRef);
  return `${createRoot?.() ?? '/create'}${TEMPLATE_PATH}`;
}

const columns: TableColumn<Environment>[] = [
  {
    title: 'Name',
    render: env => (
      <EntityRefLink
        entityRef={`resource:default/${env.name}`}
        title={env.name}
      />
    ),
    cellStyle: { whiteSpace: 'nowrap' },
  },
  { title: 'Status', render: env => <StatusChip status={env.status} /> },
  {
    title: 'URL',
    render: env => (env.url ? <Link to={env.url}>{env.url}</Link> : '-'),
  },
  { title: 'Owner', render: env => <EntityRefLink entityRef={env.owner} /> },
  { title: 'Purpose', field: 'purpose' },
];

/** "Docker environments": mine and my groups', quotas, pending requests; platform status for admins. */
export function EnvironmentsPage() {
  const api = useApi(dockerEnvApiRef);
  const identityApi = useApi(identityApiRef);
  const createLink = useCreateLink();
  const admin = useIsDockerEnvAdmin();
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const owners = identity.value?.ownershipEntityRefs ?? [];
  const envs = usePolling(
    () => api.listEnvironments({ limit: 200 }),
    [api],
    page =>
      page?.items.some(e => TRANSITIONAL_STATUSES.has(e.status)) ? 3000 : 30000,
  );

  if ((!envs.value && envs.loading) || identity.loading) return <Progress />;
  if (!envs.value) {
    return <ResponseErrorPanel error={envs.error ?? identity.error!} />;
  }
  const mine = envs.value.items.filter(
    e =>
      owners.includes(e.owner) && !['deleted', 'rejected'].includes(e.status),
  );
  const pending = mine.filter(e => e.status === 'pending_approval');
  const active = mine.filter(e => e.status !== 'pending_approval');
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        {active.length === 0 ? (
          <EmptyState
            missing="data"
            title="No Docker environments yet"
            description="Neither you nor your groups own an environment. Request one: it is ready in about a minute."
            action={
              <Button variant="contained" color="primary" href={createLink}>
                Create an environment
              </Button>
            }
          />
        ) : (
          <Table
            title="Environments of mine and my groups"
            options={{ paging: false, padding: 'dense' }}
            columns={columns}
            data={active}
            actions={[
              {
                icon: () => <Link to={createLink}>Create</Link>,
                isFreeAction: true,
                tooltip: 'Request a new environment',
                onClick: () => {},
              },
            ]}
          />
        )}
      </Grid>
      <Grid item xs={12} md={admin.allowed ? 8 : 12}>
        <InfoCard title="Quota usage">
          {owners.map(owner => (
            <QuotaBars key={owner} api={api} owner={owner} />
          ))}
        </InfoCard>
      </Grid>
      {admin.allowed && (
        <Grid item xs={12} md={4}>
          <PlatformStatusCard api={api} />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard title="My pending requests">
          {pending.length === 0 ? (
            <Typography>No request awaits approval.</Typography>
          ) : (
            pending.map(env => (
              <Typography key={env.name}>
                {env.name} (owner {env.owner}): awaiting an admin's approval
              </Typography>
            ))
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
