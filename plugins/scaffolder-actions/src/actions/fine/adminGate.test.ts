import {
  coreServices,
  createBackendPlugin,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { dockerEnvPermissionFeatures } from '@docker-env/lab-testing/backend/backend';
import yaml from 'yaml';
import { createRouteWriteAction } from './routeWrite';
import { examples } from './routeWrite.examples';
import type { FineActionOptions } from './shared';

// The admin gate of the fine-grained actions decided by Backstage's real permission backend and the plugin's
// DockerEnvPermissionPolicy (dockerEnv.admins: the platform team), not a stub: root (platform-team) passes, bob does
// not. A dry run stops right after the gate, so no clients are built.
describe('fine-grained actions: the admin gate through the real permission backend', () => {
  let permissions: PermissionsService;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    const probe = createBackendPlugin({
      pluginId: 'scaffolder',
      register(reg) {
        reg.registerInit({
          deps: { p: coreServices.permissions },
          async init({ p }) {
            permissions = p;
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        probe,
        ...dockerEnvPermissionFeatures,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            dockerEnv: { admins: ['group:default/platform-team'] },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  async function dryRun(user: string) {
    const opts: FineActionOptions = {
      config: mockServices.rootConfig(),
      permissions,
      auditor: mockServices.auditor.mock(),
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      deps: () => {
        throw new Error('a dry run builds no clients');
      },
    };
    const ctx: any = createMockActionContext({
      input: yaml.parse(examples[0].example).steps[0].input,
    });
    ctx.getInitiatorCredentials = async () => mockCredentials.user(user);
    ctx.isDryRun = true;
    jest.spyOn(ctx.logger, 'info');
    await createRouteWriteAction(opts).handler(ctx);
    return ctx;
  }

  it('allows an admin (a member of dockerEnv.admins)', async () => {
    const ctx = await dryRun('user:default/root');
    expect(ctx.logger.info).toHaveBeenCalledWith(
      expect.stringContaining('dry run: would'),
    );
  });

  it('refuses a user outside dockerEnv.admins in one line', async () => {
    const err = await dryRun('user:default/bob').catch(e => e);
    expect(err.name).toBe('NotAllowedError');
    expect(err.message).toBe(
      'docker-env:route:write needs the docker-env.admin permission, which the user who started this task does not have',
    );
  });
});
