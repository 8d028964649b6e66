import { ConfigReader } from '@backstage/config';
import {
  LAB_PORTAINER_PASSWORD,
  LAB_PRIVATE_REGISTRY,
  labClientConfig,
  startLab,
  type Lab,
} from '@docker-env/lab';
import { provision } from '@docker-env/lab-testing/workflows/driver';
import { PortainerClient } from '@docker-env/plugin-docker-env-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { OperationTarget } from '../operations';
import {
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  buildProvisionSteps,
  readProvisioningConfig,
} from '../provisioning';
import { readOwnerRegistries } from './config';
import { syncRegistriesOnce } from './sync';

jest.setTimeout(60_000);

// Acceptance of issue 28: a non-admin team member pulls and runs a private image through Portainer's Docker proxy,
// naming the registry by id (`X-Registry-Auth: {"registryId": N}`), as Portainer's GUI does.

const TEAM_B = {
  url: LAB_PRIVATE_REGISTRY.url,
  image: 'registry.lab.example:5050/team-b/app:1',
  username: 'team-b-deploy',
  password: 'lab-registry-token-team-b',
};
const UNAUTHORIZED = 'unauthorized: authentication required';

const target = (name: string, owner: string): OperationTarget => ({
  environmentId: `env-${name}`,
  name,
  owner,
  cpuCores: 1,
  memoryMb: 1024,
  diskGb: 8,
});

describe('private registries through the lab Portainer, as a team member', () => {
  let lab: Lab;
  let routesDir: string;
  let admin: PortainerClient;
  const registries = (teamAPassword = LAB_PRIVATE_REGISTRY.password) => [
    {
      name: 'team-a-gitlab',
      owner: 'group:default/team-a',
      url: LAB_PRIVATE_REGISTRY.url,
      username: LAB_PRIVATE_REGISTRY.username,
      password: teamAPassword,
    },
    {
      name: 'team-b-gitlab',
      owner: 'group:default/team-b',
      url: TEAM_B.url,
      username: TEAM_B.username,
      password: TEAM_B.password,
    },
  ];
  let config: ConfigReader;
  const envs: Record<string, { endpointId: number; ip: string }> = {};
  const fingerprints = new Map<string, string>();

  beforeAll(async () => {
    lab = await startLab({
      latencyScale: 0,
      registryImages: [
        {
          ref: TEAM_B.image,
          exposedPorts: ['80/tcp'],
          auth: { username: TEAM_B.username, password: TEAM_B.password },
        },
      ],
    });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-routes-'));
    config = new ConfigReader({
      dockerEnv: {
        ...labClientConfig(lab, { routesDir, baseDomain: 'docker.localhost' }),
        registries: registries(),
        provisioning: {
          agent: { scheme: 'http' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 5000]),
          ),
        },
      },
    });
    admin = PortainerClient.fromConfig(config);
    const deps = ProvisioningDeps.fromConfig(config, {
      teams: async owner => ({
        members: owner.endsWith('/team-a') ? ['bob', 'dev'] : ['carol'],
      }),
    });
    const steps = buildProvisionSteps(deps, readProvisioningConfig(config));
    for (const [name, owner] of [
      ['app-a', 'group:default/team-a'],
      ['app-b', 'group:default/team-b'],
    ]) {
      const r = await provision(steps, target(name, owner));
      if (r.failed) throw r.failed.error;
      envs[name] = {
        endpointId: r.facts.endpointId as number,
        ip: r.facts.ip as string,
      };
    }
  });

  afterAll(async () => {
    await lab?.stop();
    if (routesDir) await fs.rm(routesDir, { recursive: true, force: true });
  });

  async function login(username: string): Promise<string> {
    const res = await fetch(`${lab.urls.portainer}/auth`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: LAB_PORTAINER_PASSWORD }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { jwt: string }).jwt;
  }

  const registryId = async (name: string) =>
    (await admin.listRegistries()).find(
      r => r.name === `docker-env-registry-${name}`,
    )!.id;

  /** `POST /images/create` through Portainer's proxy as the user; the whole answer as text. */
  async function pull(
    jwt: string,
    env: string,
    image: string,
    registry?: number,
  ): Promise<{ status: number; text: string }> {
    const [repo, tag] = image.split(/:(?=[^:/]+$)/);
    const q = new URLSearchParams({ fromImage: repo, tag });
    const res = await fetch(
      `${lab.urls.portainer}/endpoints/${
        envs[env].endpointId
      }/docker/images/create?${q.toString()}`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${jwt}`,
          ...(registry === undefined
            ? {}
            : {
                'X-Registry-Auth': Buffer.from(
                  JSON.stringify({ registryId: registry }),
                ).toString('base64'),
              }),
        },
      },
    );
    return { status: res.status, text: await res.text() };
  }

  /** Creates and starts a container of the image publishing 80/tcp, then asks it over HTTP. */
  async function run(jwt: string, env: string, image: string, port: number) {
    const base = `${lab.urls.portainer}/endpoints/${envs[env].endpointId}/docker`;
    const headers = {
      Authorization: `Bearer ${jwt}`,
      'Content-Type': 'application/json',
    };
    const created = await fetch(`${base}/containers/create?name=app-${port}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        Image: image,
        HostConfig: {
          PortBindings: { '80/tcp': [{ HostPort: String(port) }] },
        },
      }),
    });
    expect(created.status).toBe(201);
    const { Id } = (await created.json()) as { Id: string };
    const started = await fetch(`${base}/containers/${Id}/start`, {
      method: 'POST',
      headers,
    });
    expect(started.status).toBe(204);
    const served = await fetch(`http://${envs[env].ip}:${port}/`);
    expect(served.status).toBe(200);
  }

  it('pulls and runs the private image with the registry named by id', async () => {
    const bob = await login('bob');
    const id = await registryId('team-a-gitlab');
    const res = await pull(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, id);
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/error/i);
    expect(res.text).toContain('Status: Downloaded newer image');
    await run(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, 8091);
  });

  it('without the header the pull is anonymous: unauthorized', async () => {
    const bob = await login('bob');
    const res = await pull(bob, 'app-a', LAB_PRIVATE_REGISTRY.image);
    expect(res.text).toContain(UNAUTHORIZED);
  });

  it("another owner's registry is not used for this team: unauthorized", async () => {
    const bob = await login('bob');
    const other = await registryId('team-b-gitlab');
    const res = await pull(bob, 'app-a', TEAM_B.image, other);
    expect(res.text).toContain(UNAUTHORIZED);
    // the admin's key may use it anywhere (Portainer's rule), so the image and the registry are right
    const asAdmin = await admin.dockerRequest(
      envs['app-a'].endpointId,
      'GET',
      '/version',
    );
    expect(asAdmin).toBeTruthy();
  });

  it("a member cannot reach another owner's environment at all", async () => {
    const carol = await login('carol');
    const res = await pull(
      carol,
      'app-a',
      LAB_PRIVATE_REGISTRY.image,
      await registryId('team-a-gitlab'),
    );
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).message).toBe(
      'Permission denied to access environment',
    );
  });

  it('without the grant: unauthorized; a rotation writes the new token and the grant back: works', async () => {
    const bob = await login('bob');
    const id = await registryId('team-a-gitlab');
    const team = (await admin.listTeams()).find(
      t => t.name === 'docker-env-group:default/team-a',
    )!;
    await admin.revokeRegistryAccess(envs['app-a'].endpointId, id, [team.id]);
    expect(
      (await pull(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, id)).text,
    ).toContain(UNAUTHORIZED);

    // GitLab side: the old deploy token is revoked, a new one issued
    const spec = lab.registryImages.find(
      i => i.ref === LAB_PRIVATE_REGISTRY.image,
    )!;
    spec.auth = {
      username: LAB_PRIVATE_REGISTRY.username,
      password: 'rotated-token-2',
    };
    const environments = [
      { owner: 'group:default/team-a', endpointId: envs['app-a'].endpointId },
      { owner: 'group:default/team-b', endpointId: envs['app-b'].endpointId },
    ];
    const sync = (list: ReturnType<typeof registries>) =>
      syncRegistriesOnce({
        portainer: admin,
        registries: readOwnerRegistries(
          new ConfigReader({ dockerEnv: { registries: list } }),
        ),
        prefix: 'docker-env-',
        environments,
        fingerprints,
      });
    // a first pass learns the old credentials (and puts the grant back): the old token no longer pulls
    await sync(registries());
    expect(
      (await pull(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, id)).text,
    ).toContain(UNAUTHORIZED);

    const rotated = await sync(registries('rotated-token-2'));
    expect(rotated.failed).toEqual([]);
    expect(rotated.changes).toEqual([
      {
        kind: 'registry-updated',
        registry: 'docker-env-registry-team-a-gitlab',
        owner: 'group:default/team-a',
      },
    ]);
    // the rotation kept every grant (read, merged, written back)
    const after = (await admin.listRegistries()).find(r => r.id === id)!;
    expect(after.access[envs['app-a'].endpointId].teamIds).toEqual([team.id]);
    const res = await pull(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, id);
    expect(res.text).not.toContain(UNAUTHORIZED);
    expect(res.status).toBe(200);
    await run(bob, 'app-a', LAB_PRIVATE_REGISTRY.image, 8092);

    // nothing changed: a further pass writes nothing
    expect((await sync(registries('rotated-token-2'))).changes).toEqual([]);
  });
});
