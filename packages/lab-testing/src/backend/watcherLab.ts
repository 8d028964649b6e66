import { ConfigReader } from '@backstage/config';
import {
  guestIpForVmid,
  type Lab,
  labClientConfig,
  startLab,
} from '@docker-env/lab';
import {
  DockerClient,
  PortainerClient,
} from '@docker-env/plugin-docker-env-node';
import {
  dockerChannelFromConfig,
  type DockerChannel,
} from '@docker-env/plugin-docker-env-workflows-node';
import { randomUUID } from 'node:crypto';
import os from 'node:os';

/** A lab guest with Docker and its Portainer endpoint: what a ready environment's facts hold. */
export interface LabEngine {
  id: string;
  name: string;
  ip: string;
  endpointId: number;
}

/** The lab (latency scale as given) with `count` guests, each behind a Portainer endpoint. */
export interface WatcherLab {
  lab: Lab;
  engines: LabEngine[];
  /** The product's channel: Portainer's Docker proxy. */
  channel: DockerChannel;
  /** The guest's engine directly (changes behind Portainer's back). */
  direct(engine: LabEngine): DockerClient;
  stop(): Promise<void>;
}

const direct = (ip: string) =>
  new DockerClient({ kind: 'tcp', host: ip, port: 2375, allowInsecure: true });

/**
 * Starts the lab and `count` guests (nginx pulled) with their endpoints, 20 at a time; with `routesDir`, the lab's
 * edge serves that route folder (`lab.edge`).
 */
export async function startWatcherLab(
  count: number,
  latencyScale = 0,
  options: { routesDir?: string } = {},
): Promise<WatcherLab> {
  // the lab claims a guest address block no other lab on this machine holds
  const lab = await startLab({
    latencyScale,
    ...(options.routesDir ? { edge: { directory: options.routesDir } } : {}),
  });
  const block = lab.proxmox.state.guestIpBlock;
  const config = new ConfigReader({
    dockerEnv: labClientConfig(lab, {
      routesDir: options.routesDir ?? os.tmpdir(),
    }),
  });
  const portainer = PortainerClient.fromConfig(config);
  const engines: LabEngine[] = [];
  for (let i = 0; i < count; i += 20) {
    const made = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const vmid = 300 + i + j;
        const ip = guestIpForVmid(vmid, block);
        const name = `watched-${i + j}`;
        const id = randomUUID();
        await lab.guests.start({
          vmid,
          hostname: name,
          ip,
          dockerPreinstalled: true,
        });
        await direct(ip).pullImage('nginx:latest');
        const { endpoint } = await portainer.createAgentEndpoint({
          name,
          ip,
          environmentId: id,
        });
        return { id, name, ip, endpointId: endpoint.id };
      }),
    );
    engines.push(...made);
  }
  return {
    lab,
    engines,
    channel: dockerChannelFromConfig(config),
    direct: e => direct(e.ip),
    stop: () => lab.stop(),
  };
}
