import { edgeRequest, eventually } from '@docker-env/lab';
import {
  DockerClient,
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
  TraefikRoutes,
} from '@docker-env/plugin-docker-env-node';
import {
  decommissionedVmName,
  finalBackupNotes,
  isPausedDocument,
} from '@docker-env/plugin-docker-env-workflows-node';
import type { Config } from '@backstage/config';
import type { Knex } from 'knex';
import { PAUSED_HEADER } from '@docker-env/plugin-docker-env-backend';
import type { LabBackend } from './labBackend';

/** What the database, the lab and the route folder hold about one environment, in comparable form. */
export interface EnvironmentHoldings {
  /** The record's status. */
  status: string;
  ct: { status: string; ip?: string } | 'gone';
  /** Containers that run in the guest (the Portainer agent left out). */
  running: string[];
  /** Route id -> `paused`, or the backend hosts it serves. */
  routes: Record<string, 'paused' | string[]>;
  portainer: { url: string } | 'gone';
  netbox: { name: string; status: string; ip?: string } | 'gone';
  snapshots: string[];
  /** Final backups of the environment in the backup storage. */
  finalBackups: number;
}

/** How a test sees a lab: the clients' config, where paused routes point, the edge and the hosts' domain. */
export interface LabView {
  clients: Config;
  pausedRoute: { service?: string; url?: string };
  edgeUrl: string;
  baseDomain: string;
}

/** The view of a {@link LabBackend}'s lab. */
export function labBackendView(l: LabBackend): LabView {
  return {
    clients: l.clients,
    pausedRoute: { url: l.pausedUrl },
    edgeUrl: l.lab.urls.edge!,
    baseDomain: l.baseDomain,
  };
}

/** Reads an environment's holdings through the production clients; `knex` is the plugin's database. */
export function labObserver(view: LabView, knex: Knex) {
  const proxmox = ProxmoxApiClient.fromConfig(view.clients);
  const portainer = PortainerClient.fromConfig(view.clients);
  const netbox = NetBoxClient.fromConfig(view.clients);
  const traefik = TraefikRoutes.fromConfig(view.clients);
  const paused = view.pausedRoute;

  /** What the environment's succeeded operations learnt, oldest first (as the lifecycle routes carry them). */
  async function facts(name: string): Promise<Record<string, any>> {
    const env = await knex('environments')
      .where({ name })
      .orderBy('created_at', 'desc')
      .first();
    const ops = await knex('operations')
      .where({ environment_id: env.id, status: 'succeeded' })
      .orderBy('created_at');
    return Object.assign(
      { environmentId: env.id, status: env.status, vmid: env.vmid },
      ...ops.map(o => JSON.parse(o.result ?? '{}')),
    );
  }

  async function holdings(name: string): Promise<EnvironmentHoldings> {
    const f = await facts(name);
    const vmid = Number(f.vmid);
    const entry = (await proxmox.listContainers()).find(c => c.vmid === vmid);
    let ct: EnvironmentHoldings['ct'] = 'gone';
    let running: string[] = [];
    let snapshots: string[] = [];
    if (entry) {
      ct = { status: entry.status };
      snapshots = (await proxmox.listSnapshots(vmid)).map(s => s.name).sort();
      if (entry.status === 'running') {
        ct.ip = await proxmox.waitForIp(vmid, {
          timeoutMs: 2000,
          intervalMs: 20,
        });
        const docker = new DockerClient({
          kind: 'tcp',
          host: ct.ip,
          port: 2375,
          allowInsecure: true,
        });
        running = (await docker.listContainers({ status: ['running'] }))
          .map(c => c.name)
          .filter(n => n !== 'portainer_agent')
          .sort();
      }
    }
    const routes: EnvironmentHoldings['routes'] = {};
    for (const id of await traefik.listEnvironmentRoutes(name)) {
      const doc = (await traefik.store.get(id))!;
      routes[id] = isPausedDocument(id, doc, paused)
        ? 'paused'
        : Object.values(doc.http.services ?? {}).flatMap(s =>
            'loadBalancer' in s
              ? s.loadBalancer.servers.map(x => new URL(x.url).host)
              : [],
          );
    }
    const endpoint = (await portainer.listEndpoints({ name }))[0];
    let vm: EnvironmentHoldings['netbox'] = 'gone';
    if (f.netboxVmId !== undefined) {
      const got = await netbox.getVirtualMachineById(f.netboxVmId);
      vm = {
        name: got.name,
        status: got.status,
        ip: got.primaryIp4?.address.split('/')[0],
      };
    }
    const notes = finalBackupNotes({
      target: { name, environmentId: f.environmentId },
    } as never);
    // a record that never got a CT (a failed provisioning or restore) has no vmid and no backups
    const backups = vmid ? await proxmox.listBackups('backup', vmid) : [];
    return {
      status: f.status,
      ct,
      running,
      routes,
      portainer: endpoint ? { url: endpoint.url } : 'gone',
      netbox: vm,
      snapshots,
      finalBackups: backups.filter(b => b.notes === notes).length,
    };
  }

  const host = (name: string) => `${name}.${view.baseDomain}`;
  /** The edge's answer for the host once it answers `status` (it reloads the route folder as it changes). */
  const edge = (name: string, status: number) =>
    eventually(async () => {
      const res = await edgeRequest(view.edgeUrl, host(name));
      if (res.status !== status)
        throw new Error(`${host(name)}: ${res.status}, not ${status}`);
      return res;
    });

  /**
   * Asserts that the record's status and what the lab, the route folder and the edge hold say the same:
   * `ready` runs and is served at the CT's current address everywhere, `paused` is stopped behind the paused
   * page, `deleted` left nothing but the final backup and the renamed NetBox VM, `failed` left nothing at all.
   */
  async function expectAgreement(name: string): Promise<EnvironmentHoldings> {
    const h = await holdings(name);
    const f = await facts(name);
    const routes = Object.values(h.routes);
    switch (h.status) {
      case 'ready': {
        const ip = h.ct !== 'gone' ? h.ct.ip : undefined;
        expect(h.ct).toEqual({ status: 'running', ip: expect.any(String) });
        expect(routes.length).toBeGreaterThan(0);
        for (const r of routes) {
          expect(r).not.toBe('paused');
          for (const x of r as string[]) expect(x.split(':')[0]).toBe(ip);
        }
        expect(h.portainer).toEqual({ url: `tcp://${ip}:9001` });
        expect(h.netbox).toMatchObject({ name, status: 'active', ip });
        expect(h.running).toContain('docker-env-welcome');
        const res = await edge(name, 200);
        expect(res.headers[PAUSED_HEADER]).toBeUndefined();
        break;
      }
      case 'paused': {
        expect(h.ct).toEqual({ status: 'stopped' });
        expect(routes.length).toBeGreaterThan(0);
        expect(routes.every(r => r === 'paused')).toBe(true);
        expect(h.portainer).not.toBe('gone');
        expect(h.netbox).toMatchObject({ name, status: 'active' });
        const res = await edge(name, 503);
        expect(res.headers[PAUSED_HEADER]).toBe('paused');
        break;
      }
      case 'deleted':
        expect(h).toMatchObject({
          ct: 'gone',
          routes: {},
          portainer: 'gone',
          netbox: {
            name: decommissionedVmName(name, f.environmentId),
            status: 'decommissioning',
            ip: undefined,
          },
          finalBackups: 1,
        });
        await edge(name, 404);
        break;
      case 'failed': {
        // rolled back: nothing of the name is left anywhere, wherever the failure stopped it
        expect(h).toMatchObject({
          ct: 'gone',
          routes: {},
          portainer: 'gone',
          netbox: 'gone',
        });
        expect(await proxmox.findContainer({ hostname: name })).toBeUndefined();
        const vms = await netbox.listVirtualMachines({});
        expect(vms.map(v => v.name)).not.toContain(name);
        await edge(name, 404);
        break;
      }
      default:
        throw new Error(`${name}: no agreement rule for status ${h.status}`);
    }
    return h;
  }

  return { facts, holdings, expectAgreement, edge };
}
