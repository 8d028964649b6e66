/*
 * Acceptance of issue 36 with a real MCP client (@modelcontextprotocol/sdk, Streamable HTTP) against the portal's
 * MCP actions backend (@backstage/plugin-mcp-actions-backend) and the docker-env plugin's actions, on a running
 * backend with the real permission backend and the docker-env policy.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Knex } from 'knex';
import request from 'supertest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice');
const BOB = mockCredentials.user.header('user:default/bob');
/** What a static token (`backend.auth.externalAccess`) authenticates as: a service principal. */
const STATIC_TOKEN = mockCredentials.service.header();

/** The MCP backend's own tool names: `<pluginId>.<action name>` (`mcpActions.namespacedToolNames`, default true). */
const TOOLS = [
  'create-snapshot',
  'get-deployment',
  'get-environment',
  'list-environments',
  'pause',
  'request-environment',
  'resume',
].map(name => `docker-env.${name}`);

describe('the portal over MCP: docker-env tools for a signed-in user only', () => {
  let server: Awaited<ReturnType<typeof startDockerEnvTestBackend>>['server'];
  let knex: Knex;
  let baseUrl: string;
  const clients: Client[] = [];

  async function connect(authorization: string): Promise<Client> {
    const client = new Client({ name: 'docker-env-acceptance', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`${baseUrl}/api/mcp-actions/v1`),
        {
          requestInit: { headers: { Authorization: authorization } },
        },
      ),
    );
    clients.push(client);
    return client;
  }

  /** A ready environment of `user`'s, requested through the HTTP API. */
  async function readyEnvironment(name: string, user: string) {
    const res = await request(server)
      .post('/api/docker-env/environments')
      .set('Authorization', mockCredentials.user.header(`user:default/${user}`))
      .send({ name, owner: `user:default/${user}`, size: 'S' });
    if (res.status !== 202) throw new Error(`seeding ${name}: ${res.text}`);
    await knex('operations')
      .where({ id: res.body.operation.id })
      .update({ status: 'succeeded', lock_key: null });
    await knex('environments')
      .where({ name })
      .update({ status: 'ready', vmid: 100, node: 'pve' });
  }

  /** docker-env's tables in `knex` (the test reads its audit rows); every other plugin a fresh database of its own. */
  const databasePerPlugin = (dockerEnv: Knex) =>
    createServiceFactory({
      service: coreServices.database,
      deps: { plugin: coreServices.pluginMetadata },
      async factory({ plugin }) {
        const client =
          plugin.getId() === 'docker-env'
            ? dockerEnv
            : await databases.init('SQLITE_3');
        return { getClient: async () => client };
      },
    });

  const text = (result: any) => result.content[0].text as string;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    ({ server } = await startDockerEnvTestBackend({
      config: {
        backend: { actions: { pluginSources: ['docker-env'] } },
        // as app-config.yaml: MCP clients sign in as the user (OAuth with Client ID Metadata Documents)
        auth: { clientIdMetadataDocuments: { enabled: true } },
        app: { baseUrl: 'http://localhost:3000' },
      },
      features: [mcpActionsPlugin, authPlugin, databasePerPlugin(knex)],
    }));
    const address = server.address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
    await readyEnvironment('alices', 'alice');
    await readyEnvironment('bobs', 'bob');
  });

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
  });

  it("the developer's token lists the tools, their environments, and pauses one; audited", async () => {
    const alice = await connect(ALICE);
    const { tools } = await alice.listTools();
    expect(tools.map(t => t.name).sort()).toEqual(TOOLS);
    const pause = tools.find(t => t.name === 'docker-env.pause')!;
    expect(pause.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });

    const listed: any = await alice.callTool({
      name: 'docker-env.list-environments',
      arguments: {},
    });
    expect(listed.isError).toBeFalsy();
    const names = listed.structuredContent.items.map((e: any) => e.name);
    expect(names).toEqual(['alices']);

    const paused: any = await alice.callTool({
      name: 'docker-env.pause',
      arguments: { name: 'alices' },
    });
    expect(paused.isError).toBeFalsy();
    expect(paused.structuredContent.environment.status).toBe('pausing');
    expect(
      await knex('audit_events').where({
        action: 'environment.pause',
        target: 'alices',
        actor: 'user:default/alice',
        result: 'succeeded',
      }),
    ).toHaveLength(1);
  });

  it("the same pause on another's environment is refused, and the refusal audited", async () => {
    const bob = await connect(BOB);
    const refused: any = await bob.callTool({
      name: 'docker-env.pause',
      arguments: { name: 'alices' },
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^NotAllowedError: not allowed/);
    const alice = await connect(ALICE);
    const other: any = await alice.callTool({
      name: 'docker-env.pause',
      arguments: { name: 'bobs' },
    });
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/^NotAllowedError: not allowed/);
    expect(
      await knex('audit_events').where({
        action: 'environment.pause',
        target: 'bobs',
        actor: 'user:default/alice',
        result: 'refused',
      }),
    ).toHaveLength(1);
    const env = await knex('environments').where({ name: 'bobs' }).first();
    expect(env.status).toBe('ready');
  });

  it('a static token is refused for every tool, each refusal audited', async () => {
    const service = await connect(STATIC_TOKEN);
    const { tools } = await service.listTools();
    expect(tools.map(t => t.name).sort()).toEqual(TOOLS);
    for (const tool of TOOLS) {
      const result: any = await service.callTool({
        name: tool,
        arguments: {
          name: 'bobs',
          owner: 'user:default/bob',
          size: 'S',
          id: 'x',
          idempotencyKey: 'token-key',
        },
      });
      expect({ tool, isError: result.isError }).toEqual({
        tool,
        isError: true,
      });
      expect(text(result)).toMatch(
        /^NotAllowedError: docker-env actions act only for a signed-in user/,
      );
    }
    const refusals = await knex('audit_events').where({
      actor: 'service:external:test-service',
      result: 'refused',
    });
    expect(refusals).toHaveLength(TOOLS.length);
    const env = await knex('environments').where({ name: 'bobs' }).first();
    expect(env.status).toBe('ready');
  });

  it('an MCP client finds where to sign in as the user: the protected resource names the auth backend, which takes client ID metadata documents', async () => {
    const resource = await request(server).get(
      '/.well-known/oauth-protected-resource/api/mcp-actions/v1',
    );
    expect(resource.status).toBe(200);
    // the backend's discovery names it by host name
    const auth = `${baseUrl.replace('127.0.0.1', 'localhost')}/api/auth`;
    expect(resource.body.authorization_servers).toEqual([auth]);
    const metadata = await request(server).get(
      '/api/auth/.well-known/openid-configuration',
    );
    expect(metadata.status).toBe(200);
    expect(metadata.body).toMatchObject({
      client_id_metadata_document_supported: true,
      authorization_endpoint: `${auth}/v1/authorize`,
    });
  });
});
