/*
 * Acceptance of story 1 through the real scaffolder: the repository's own template
 * (templates/docker-environment/template.yaml), read by the catalog and run by
 * @backstage/plugin-scaffolder-backend with our actions, provisions `test-project` in the lab.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import notificationsEmailModule from '@backstage/plugin-notifications-backend-module-email';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleDockerEnv from '@docker-env/plugin-catalog-backend-module-docker-env';
import scaffolderModuleDockerEnv from '@docker-env/plugin-scaffolder-backend-module-docker-env';
// The docker-env backend's own harness: its plugin with the real permission backend and the docker-env policy.
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import {
  edgeRequest,
  startLab,
  traefikSchemaValidator,
  type Lab,
} from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { eventually } from './__testUtils__/eventually';
import {
  smtpNotificationsConfig,
  startSmtpSink,
  type SmtpSink,
} from './__testUtils__/smtpSink';

jest.setTimeout(120_000);

/**
 * PostgreSQL, as in production, when the test services run it: Backstage's database service never closes SQLite
 * pools at shutdown, so on SQLite the run cannot end cleanly. One fresh database, a schema per plugin.
 */
const postgres = process.env
  .BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  ? TestDatabases.create({ ids: ['POSTGRES_15'] })
  : undefined;

async function databaseConfig() {
  if (!postgres) return {};
  const knex = await postgres.init('POSTGRES_15');
  const connection = knex.client.config.connection;
  return {
    backend: {
      database: {
        client: 'pg',
        connection: { ...connection, database: knex.client.database() },
        pluginDivisionMode: 'schema',
      },
    },
  };
}

const TEMPLATE_FILE = path.resolve(
  __dirname,
  '../../../../templates/docker-environment/template.yaml',
);
const alice = mockCredentials.user.header('user:default/alice');
const service = mockCredentials.service.header();

/** The test org: alice (with a mail address) in team-a, the owner of the environment. */
const ORG = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice' },
    spec: {
      profile: { email: 'alice@example.com' },
      memberOf: ['team-a'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-a' },
    spec: { type: 'team', children: [] },
  },
];

describe('the Docker environment template through the real scaffolder', () => {
  let lab: Lab;
  let smtp: SmtpSink;
  let dir: string;
  let routesDir: string;
  let base: string;
  let backend: Awaited<ReturnType<typeof startDockerEnvTestBackend>>;

  const api = async (
    method: string,
    url: string,
    auth: string,
    body?: unknown,
  ) => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: {
        Authorization: auth,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'scaffold-acceptance-'));
    routesDir = path.join(dir, 'routes');
    await fs.mkdir(routesDir);
    await fs.writeFile(
      path.join(dir, 'org.yaml'),
      ORG.map(e => YAML.stringify(e)).join('---\n'),
    );
    lab = await startLab({ latencyScale: 0, edge: { directory: routesDir } });
    smtp = await startSmtpSink();
    const stepTimeouts = Object.fromEntries(
      [
        'lxc',
        'start',
        'ip',
        'agent',
        'portainer',
        'welcome',
        'route',
        'netbox',
      ].map(n => [n, 10_000]),
    );
    backend = await startDockerEnvTestBackend({
      catalog: 'real',
      config: {
        ...(await databaseConfig()),
        app: { baseUrl: 'http://localhost:3000' },
        events: { useEventBus: 'never' },
        scaffolder: { taskRecovery: { enabled: true } },
        catalog: {
          rules: [{ allow: ['User', 'Group', 'Template', 'Resource'] }],
          locations: [
            { type: 'file', target: path.join(dir, 'org.yaml') },
            { type: 'file', target: TEMPLATE_FILE },
          ],
          providers: {
            dockerEnv: {
              schedule: { frequency: { minutes: 10 }, timeout: { minutes: 1 } },
            },
          },
        },
        notifications: smtpNotificationsConfig(smtp.port),
        dockerEnv: {
          runner: { enabled: true, pollIntervalMs: 50 },
          scaffolder: { pollIntervalMs: 50 },
          proxmox: {
            baseUrl: lab.urls.proxmox.replace(/\/api2\/json$/, ''),
            allowInsecure: true,
            tokenId: lab.credentials.proxmox.tokenId,
            tokenSecret: lab.credentials.proxmox.tokenSecret,
            timeoutMs: 5000,
          },
          netbox: {
            baseUrl: lab.urls.netbox,
            allowInsecure: true,
            token: lab.credentials.netbox.token,
            timeoutMs: 5000,
          },
          portainer: {
            baseUrl: lab.urls.portainer.replace(/\/api$/, ''),
            allowInsecure: true,
            apiKey: lab.credentials.portainer.apiKey,
            timeoutMs: 5000,
          },
          traefik: {
            baseDomain: 'docker.localhost',
            tls: false,
            entryPoints: ['web'],
            directory: routesDir,
          },
          docker: { kind: 'portainer', timeoutMs: 5000 },
          provisioning: {
            agent: { scheme: 'http' },
            publicPort: 18000,
            pollIntervalMs: 10,
            timeouts: stepTimeouts,
          },
        },
      },
      features: [
        ...(postgres ? [databaseServiceFactory] : []),
        eventsServiceFactory,
        catalogPlugin,
        catalogModuleScaffolderEntityModel,
        catalogModuleDockerEnv,
        scaffolderPlugin,
        scaffolderModuleDockerEnv,
        notificationsPlugin,
        notificationsEmailModule,
      ],
    });
    const { port } = backend.server.address() as { port: number };
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await backend?.stop();
    await lab?.stop();
    await smtp?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the template as alice through the scaffolder's API and waits for the task to end. */
  async function runTemplate(values: Record<string, unknown>) {
    const created = await api('POST', '/api/scaffolder/v2/tasks', alice, {
      templateRef: 'template:default/docker-environment',
      values,
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id as string;
    const task = await eventually('the task ends', async () => {
      const r = await api('GET', `/api/scaffolder/v2/tasks/${taskId}`, alice);
      return ['completed', 'failed', 'cancelled'].includes(r.body?.status)
        ? r.body
        : undefined;
    });
    const events = (
      await api('GET', `/api/scaffolder/v2/tasks/${taskId}/events`, alice)
    ).body as Array<{ type: string; body: any }>;
    const log = events
      .filter(e => e.type === 'log')
      .map(e => e.body.message as string);
    return { task, events, log };
  }

  it('provisions test-project: lab, route, edge, catalog and the ready email', async () => {
    await eventually('the template in the catalog', async () => {
      const r = await api(
        'GET',
        '/api/catalog/entities/by-name/template/default/docker-environment',
        service,
      );
      return r.status === 200 ? r.body : undefined;
    });

    const { task, log, events } = await runTemplate({
      name: 'test-project',
      owner: 'group:default/team-a',
      purpose: 'acceptance test',
      size: { size: 'custom', cpuCores: 3, memoryMb: 3072, diskGb: 20 },
    });
    expect({ status: task.status, log }).toMatchObject({
      status: 'completed',
    });
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/step lxc: started/),
        expect.stringMatching(/step netbox: done in \d+\.\d s/),
      ]),
    );
    const completion = events.find(e => e.type === 'completion')!;
    const links = completion.body.output.links as Array<Record<string, string>>;
    expect(links).toEqual([
      expect.objectContaining({
        url: 'http://test-project.docker.localhost:18000',
      }),
      expect.objectContaining({
        url: expect.stringMatching(/#!\/\d+\/docker/),
      }),
      expect.objectContaining({ entityRef: 'resource:default/test-project' }),
    ]);

    // Proxmox: the CT with the requested limits, ours
    const ct = [...lab.proxmox.state.containers.values()].find(
      c => c.config.hostname === 'test-project',
    )!;
    expect(ct.status).toBe('running');
    expect(ct.config).toMatchObject({
      cores: 3,
      memory: 3072,
      unprivileged: 1,
    });
    expect(String(ct.config.rootfs)).toMatch(/size=20G/);
    expect(String(ct.config.tags).split(';')).toContain('docker-env');

    // Portainer: the environment, the owner's team with access
    const pt = lab.portainer.state;
    const endpoint = pt.endpoints.find(e => e.Name === 'test-project')!;
    const team = pt.teams.find(
      t => t.Name === 'docker-env-group:default/team-a',
    )!;
    expect(endpoint.TeamAccessPolicies).toEqual({ [team.Id]: { RoleId: 1 } });

    // NetBox: the VM with its custom fields and primary IP
    const nb = lab.netbox.state;
    const vm = nb.virtualMachines.find(v => v.name === 'test-project')!;
    expect(vm.custom_fields).toMatchObject({
      proxmox_vmid: ct.vmid,
      proxmox_node: 'pve',
      docker_env_owner: 'group:default/team-a',
    });
    const primary = nb.ipAddresses.find(ip => ip.id === vm.primary_ip4)!;
    expect(primary.address).toMatch(/^127\.\d+\.\d+\.\d+\/\d+$/);

    // the route file is valid Traefik dynamic configuration, and the edge serves the welcome page
    const file = await fs.readFile(
      path.join(routesDir, 'dockerenv_test-project.yml'),
      'utf8',
    );
    expect(traefikSchemaValidator()(YAML.parse(file))).toEqual([]);
    const page = await eventually(
      'the edge serves the welcome page',
      async () => {
        const r = await edgeRequest(
          lab.urls.edge!,
          'test-project.docker.localhost',
        );
        return r.status === 200 ? JSON.parse(r.text) : undefined;
      },
    );
    expect(page).toMatchObject({ container: 'docker-env-welcome' });

    // the catalog
    const entity = await eventually(
      'resource:default/test-project',
      async () => {
        const r = await api(
          'GET',
          '/api/catalog/entities/by-name/resource/default/test-project',
          service,
        );
        return r.status === 200 ? r.body : undefined;
      },
    );
    expect(entity.spec).toMatchObject({
      type: 'docker-environment',
      owner: 'group:default/team-a',
    });

    // the ready email, through Backstage notifications and its email module, to a real SMTP server
    const mail = await eventually('the ready email', async () =>
      smtp.received.find(m => m.to.includes('alice@example.com')),
    );
    expect(mail.mail.subject).toMatch(/test-project/);
  });

  it('fails a request for a held name with one readable line in the task log, no stack trace', async () => {
    const { task, events } = await runTemplate({
      name: 'test-project',
      owner: 'user:default/alice',
      purpose: 'second try',
      size: { size: 'S' },
    });
    expect(task.status).toBe('failed');
    const failed = events.filter(
      e => e.type === 'log' && e.body.status === 'failed',
    );
    expect(failed).toHaveLength(1);
    const line = failed[0].body.message as string;
    expect(line).toMatch(/test-project.*: choose another name/);
    expect(line).not.toMatch(/\n|\(.*:\d+:\d+\)/);
  });
});
