import { Content, Header, Page } from '@backstage/core-components';
import { NotFoundErrorPage, useRouteRef } from '@backstage/frontend-plugin-api';
import { WarningPanel } from '@backstage/core-components';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import Button from '@material-ui/core/Button';
import { Link as RouterLink, Route, Routes } from 'react-router-dom';
import { ApprovalsPage } from './admin/ApprovalsPage';
import { DriftPage } from './admin/DriftPage';
import { FinalBackupsPage } from './admin/FinalBackupsPage';
import { QuotasPage } from './admin/QuotasPage';
import { EnvironmentsPage } from './EnvironmentsPage/EnvironmentsPage';
import { useIsDockerEnvAdmin } from './common/usePermissions';
import { rootRouteRef } from '../routes';

function AdminOnly(props: { children: JSX.Element }) {
  const { loading, allowed } = useIsDockerEnvAdmin();
  if (loading) return null;
  if (!allowed) {
    return (
      <WarningPanel title="Only docker-env admins can open this page">
        Ask a member of the platform team.
      </WarningPanel>
    );
  }
  return props.children;
}

/** The plugin's page: environments, and for admins approvals, quotas, drift and final backups; any other path is not found. */
export function DockerEnvRoot() {
  const admin = useIsDockerEnvAdmin();
  const root = useRouteRef(rootRouteRef)?.() ?? '/docker-env';
  return (
    <ReactRouterV6PageRouter>
      <Routes>
        {['/', '/approvals', '/quotas', '/drift', '/backups'].map(path => (
          <Route
            key={path}
            path={path}
            element={
              <Page themeId="tool">
                <Header title="Docker environments">
                  <Button component={RouterLink} to={root} color="inherit">
                    Environments
                  </Button>
                  {admin.allowed && (
                    <>
                      <Button
                        component={RouterLink}
                        to={`${root}/approvals`}
                        color="inherit"
                      >
                        Approvals
                      </Button>
                      <Button
                        component={RouterLink}
                        to={`${root}/quotas`}
                        color="inherit"
                      >
                        Quotas
                      </Button>
                      <Button
                        component={RouterLink}
                        to={`${root}/drift`}
                        color="inherit"
                      >
                        Drift
                      </Button>
                      <Button
                        component={RouterLink}
                        to={`${root}/backups`}
                        color="inherit"
                      >
                        Final backups
                      </Button>
                    </>
                  )}
                </Header>
                <Content>
                  {path === '/' && <EnvironmentsPage />}
                  {path === '/approvals' && (
                    <AdminOnly>
                      <ApprovalsPage />
                    </AdminOnly>
                  )}
                  {path === '/quotas' && (
                    <AdminOnly>
                      <QuotasPage />
                    </AdminOnly>
                  )}
                  {path === '/drift' && (
                    <AdminOnly>
                      <DriftPage />
                    </AdminOnly>
                  )}
                  {path === '/backups' && (
                    <AdminOnly>
                      <FinalBackupsPage />
                    </AdminOnly>
                  )}
                </Content>
              </Page>
            }
          />
        ))}
        <Route path="*" element={<NotFoundErrorPage />} />
      </Routes>
    </ReactRouterV6PageRouter>
  );
}
