/* eslint-disable @backstage/no-undeclared-imports -- test-only helpers, imported by tests alone */
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import { ReactElement } from 'react';
import { SWRConfig } from 'swr';
import { DockerEnvApi, dockerEnvApiRef, Environment, Operation } from './api';

/** A DockerEnvApi whose every method fails until a test gives it an answer. */
export function mockDockerEnvApi(
  overrides: Partial<DockerEnvApi> = {},
): jest.Mocked<DockerEnvApi> {
  const names: Array<keyof DockerEnvApi> = [
    'listEnvironments',
    'getEnvironment',
    'checkName',
    'extendEnvironment',
    'resizeEnvironment',
    'transferEnvironment',
    'triggerTeamSync',
    'getUsage',
    'pauseEnvironment',
    'resumeEnvironment',
    'deleteEnvironment',
    'listOperations',
    'listSnapshots',
    'createSnapshot',
    'rollbackSnapshot',
    'deleteSnapshot',
    'listContainers',
    'getContainerLogs',
    'getQuota',
    'getDefaultQuota',
    'listOverQuota',
    'setQuota',
    'listRequests',
    'approveRequest',
    'rejectRequest',
    'listAuditEvents',
    'getPlatformStatus',
    'listDeployTokens',
    'createDeployToken',
    'revokeDeployToken',
    'listDeployments',
    'getDeployment',
    'listDrift',
    'getEnvironmentDrift',
    'listFinalBackups',
    'restoreFinalBackup',
  ];
  const api = Object.fromEntries(
    names.map(name => [
      name,
      jest.fn(async () => {
        throw new Error(`${name} was not expected in this test`);
      }),
    ]),
  ) as unknown as jest.Mocked<DockerEnvApi>;
  for (const [name, impl] of Object.entries(overrides)) {
    (api as any)[name] = jest.fn(impl as any);
  }
  return api;
}

/** An environment record as the backend returns it. */
export function anEnvironment(
  overrides: Partial<Environment> = {},
): Environment {
  return {
    id: 'env-1',
    name: 'demo',
    owner: 'group:default/team-a',
    status: 'ready',
    size: 'M',
    cpuCores: 2,
    memoryMb: 4096,
    diskGb: 32,
    url: 'https://demo.docker.example.com',
    portainerUrl: 'https://portainer.example.com/#!/3/docker/dashboard',
    createdAt: '2026-11-30T10:00:00.000Z',
    expiresOn: '2027-01-31',
    statusReason: null,
    purpose: 'demo app',
    vmid: 120,
    node: 'pve1',
    netboxVmId: 7,
    portainerEndpointId: 3,
    createdBy: 'user:default/alice',
    updatedAt: '2026-11-30T10:01:00.000Z',
    ...overrides,
  };
}

/** An operation as the backend returns it. */
export function anOperation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'op-1',
    environmentId: 'env-1',
    kind: 'pause',
    status: 'queued',
    input: {},
    result: null,
    error: null,
    failedStep: null,
    requestedBy: 'user:default/alice',
    createdAt: '2026-11-30T10:00:00.000Z',
    startedAt: null,
    endedAt: null,
    attempts: 0,
    steps: [],
    ...overrides,
  };
}

/** The catalog entity of an environment. */
export function anEntity(name = 'demo'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name, annotations: { 'docker-env.io/status': 'ready' } },
    spec: { type: 'docker-environment', owner: 'group:default/team-a' },
  };
}

/** Routes our components link to. */
export const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef,
};

/** How a test answers the permission framework: allow all, deny all, or per request. */
export type PermissionAnswer = Parameters<
  typeof mockApis.permission
>[0] extends infer O
  ? O extends { authorize?: infer A }
    ? A
    : never
  : never;

/**
 * Renders our components in a test app with the docker-env API and a permission answer.
 * usePermission caches decisions in SWR's global cache, keyed by the permission and resource: without a fresh
 * cache per render, one test's answer (say ALLOW) is what the next test sees first, whatever it mocks.
 */
export function renderWithDockerEnv(
  element: ReactElement,
  api: DockerEnvApi,
  options: {
    authorize?: PermissionAnswer;
    identity?: { userEntityRef: string; ownershipEntityRefs: string[] };
    path?: string;
  } = {},
) {
  return renderInTestApp(
    <SWRConfig value={{ provider: () => new Map() }}>{element}</SWRConfig>,
    {
      mountedRoutes,
      initialRouteEntries: options.path ? [options.path] : undefined,
      apis: [
        [dockerEnvApiRef, api],
        mockApis.identity(
          options.identity ?? {
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
          },
        ),
        mockApis.permission({
          authorize: options.authorize ?? AuthorizeResult.ALLOW,
        }),
      ],
    },
  );
}

/** Renders an entity card or tab for `demo` with the API and a permission answer. */
export function renderForEntity(
  element: ReactElement,
  api: DockerEnvApi,
  options: { allow?: boolean; entity?: Entity } = {},
) {
  return renderWithDockerEnv(
    <EntityProvider entity={options.entity ?? anEntity()}>
      {element}
    </EntityProvider>,
    api,
    {
      // only the environment's record id is a valid resource: anything else is refused, as the backend would
      authorize: req =>
        options.allow !== false &&
        (!('resourceRef' in req) || req.resourceRef === anEnvironment().id)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    },
  );
}

/**
 * The button once it is enabled: actions wait for the environment's record and the permission answer, and the
 * table re-renders its rows when they arrive (an element found earlier may be gone).
 */
export async function findEnabledButton(name: string | RegExp) {
  return waitFor(() => {
    const button = screen.getAllByRole('button', { name })[0];
    expect(button).toBeEnabled();
    return button;
  });
}
