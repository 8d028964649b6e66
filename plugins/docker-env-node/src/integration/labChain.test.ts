import { ConfigReader } from '@backstage/config';
import {
  edgeRequest,
  eventually,
  Lab,
  labClientConfig,
  startLab,
} from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DockerClient } from '../docker';
import { NetBoxClient } from '../netbox';
import { PortainerClient } from '../portainer';
import { ProxmoxApiClient } from '../proxmox';
import { TraefikRoutes } from '../traefik';

/** The environment id the routes are written for (their mark). */
const ENV_ID = 'env-shop';

// One environment's whole life through the production clients against the whole lab:
// clone -> start -> IP -> Portainer agent endpoint + team access -> Docker -> Traefik route
// -> NetBox VM with primary IP -> shutdown (guest gone) -> start (containers back) -> destroy.
describe('the clients against the lab, end to end', () => {
  let lab: Lab;
  let routesDir: string;
  let config: ConfigReader;

  beforeAll(async () => {
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'docker-env-routes-'));
    // the edge router serves the route folder, as Traefik's file provider would
    lab = await startLab({ latencyScale: 0, edge: { directory: routesDir } });
    config = new ConfigReader({
      dockerEnv: {
        ...labClientConfig(lab, { routesDir }),
        traefik: {
          ...labClientConfig(lab, { routesDir }).traefik,
          certResolver: 'le',
          wildcardCertificate: true,
        },
      },
    });
  });

  afterAll(async () => {
    await lab?.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  it('provisions, pauses, resumes and deletes an environment', async () => {
    const proxmox = ProxmoxApiClient.fromConfig(config);
    const portainer = PortainerClient.fromConfig(config);
    const netbox = NetBoxClient.fromConfig(config);
    const traefik = TraefikRoutes.fromConfig(config);

    // Proxmox: linked clone of the golden template, retried call finds the same CT
    const clone = await proxmox.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'shop-dev',
      environmentId: 'env-shop-dev',
    });
    expect(clone.existing).toBe(false);
    await proxmox.waitForTask(clone.upid!);
    const again = await proxmox.cloneFromTemplate({
      templateVmid: 9000,
      hostname: 'shop-dev',
      environmentId: 'env-shop-dev',
    });
    expect(again).toMatchObject({
      vmid: clone.vmid,
      node: 'pve',
      existing: true,
    });
    await proxmox.updateConfig(clone.vmid, { cores: 2, memoryMiB: 4096 });
    await proxmox.waitForTask(await proxmox.start(clone.vmid));
    const ip = await proxmox.waitForIp(clone.vmid, {
      timeoutMs: 5000,
      intervalMs: 20,
    });
    expect(ip).toMatch(/^127\.(1[1-9]|[2-9][0-9]|1[0-9]{2}|2[0-4][0-9]|250)\./);

    // Portainer: the agent answers its ping, the endpoint is created once, the team gets access
    const { endpoint, created } = await portainer.createAgentEndpoint({
      name: 'shop-dev',
      ip,
      environmentId: 'env-shop-dev',
    });
    expect(created).toBe(true);
    expect(
      (
        await portainer.createAgentEndpoint({
          name: 'shop-dev',
          ip,
          environmentId: 'env-shop-dev',
        })
      ).created,
    ).toBe(false);
    const team = await portainer.ensureTeam('team-a');
    const withAccess = await portainer.grantTeamAccess(endpoint.id, team.id);
    expect(withAccess.teamAccess).toEqual({ [team.id]: 1 });
    const viaPortainer = await portainer.listContainers(endpoint.id);
    expect(viaPortainer.map(c => c.Names?.[0])).toContain('/portainer_agent');

    // Docker on the guest through Portainer's Docker proxy: a container that serves HTTP on a published port
    const docker = DockerClient.fromConfig(config, { endpointId: endpoint.id });
    await docker.pullImage('traefik/whoami:latest');
    await docker.createContainer({
      name: 'web',
      image: 'traefik/whoami:latest',
      ports: [{ containerPort: 80, hostPort: 8080 }],
      restartPolicy: 'unless-stopped',
    });
    await docker.start('web');
    const served = await fetch(`http://${ip}:8080/`);
    expect(served.status).toBe(200);

    // Traefik: the environment's route points at the guest
    await traefik.putRoute(ENV_ID, {
      environment: 'shop-dev',
      target: { kind: 'backend', backend: { ip, port: 8080 } },
    });
    const file = await fs.readFile(
      path.join(routesDir, 'dockerenv_shop-dev.yml'),
      'utf8',
    );
    expect(file).toContain('Host(`shop-dev.docker.example.com`)');
    expect(file).toContain(`http://${ip}:8080`);

    // NetBox: the VM with its primary IP
    const type = await netbox.ensureClusterType('Proxmox', 'proxmox');
    const cluster = await netbox.ensureCluster('pve', type.id);
    await netbox.ensureCustomField({
      name: 'docker_env_environment_id',
      type: 'text',
    });
    const { vm } = await netbox.upsertVirtualMachine(
      {
        name: 'shop-dev',
        clusterId: cluster.id,
        status: 'active',
        vcpus: 2,
        memoryMb: 4096,
        diskMb: 16384,
      },
      { environmentId: 'env-shop-dev' },
    );
    const iface = await netbox.ensureInterface(vm.id, 'eth0');
    const address = await netbox.ensureIpAddress({
      address: `${ip}/8`,
      interfaceId: iface.id,
    });
    const withIp = await netbox.setPrimaryIp4(vm.id, address.id);
    expect(withIp.primaryIp4?.address).toBe(`${ip}/8`);

    // Pause: the CT shuts down and its guest stops answering
    await proxmox.waitForTask(
      await proxmox.shutdown(clone.vmid, { timeoutSeconds: 10 }),
    );
    await expect(docker.ping()).rejects.toThrow();
    expect((await proxmox.getStatus(clone.vmid)).status).toBe('stopped');

    // Resume: the CT starts and the container with a restart policy serves again
    await proxmox.waitForTask(await proxmox.start(clone.vmid));
    await docker.ping();
    expect((await docker.inspect('web')).state.running).toBe(true);
    expect((await fetch(`http://${ip}:8080/`)).status).toBe(200);

    // Through the edge: the route's host reaches the container in the guest
    const viaEdge = await eventually(async () => {
      const r = await edgeRequest(
        lab.urls.edge!,
        'shop-dev.docker.example.com',
      );
      expect(r.status).toBe(200);
      return JSON.parse(r.text);
    });
    expect(viaEdge).toMatchObject({ container: 'web', port: '80/tcp' });

    // Delete: everything goes
    await proxmox.waitForTask(await proxmox.stop(clone.vmid));
    await proxmox.waitForTask(await proxmox.destroy(clone.vmid));
    expect(
      await proxmox.findContainer({ hostname: 'shop-dev' }),
    ).toBeUndefined();
    expect(await portainer.deleteEndpoint(endpoint.id)).toBe(true);
    await traefik.removeRoute(ENV_ID, 'shop-dev');
    await expect(fs.readdir(routesDir)).resolves.toEqual([]);
    await eventually(async () =>
      expect(
        (
          await edgeRequest(lab.urls.edge!, 'shop-dev.docker.example.com')
        ).status,
      ).toBe(404),
    );
    const decommissioned = await netbox.setVirtualMachineStatus(
      vm.id,
      'decommissioning',
    );
    expect(decommissioned.status).toBe('decommissioning');
  });
});
