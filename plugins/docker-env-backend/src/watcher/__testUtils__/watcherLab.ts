import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
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
import {
  ContainerWatchers,
  type ContainerFactSubscriber,
  type WatchTarget,
} from '../ContainerWatchers';
import type { ContainerFact } from '../facts';
import type { PortalChanges } from '../PortalChanges';
import type { WatchLeaseStore } from '../WatchLeaseStore';

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

/** Starts the lab and `count` guests (nginx pulled) with their endpoints, 20 at a time. */
export async function startWatcherLab(
  count: number,
  latencyScale = 0,
): Promise<WatcherLab> {
  const block = 11 + Math.floor(Math.random() * 240);
  const lab = await startLab({ latencyScale, guestIpBlock: block });
  const config = new ConfigReader({
    dockerEnv: labClientConfig(lab, { routesDir: os.tmpdir() }),
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

/** A subscriber that keeps every fact, and waits for one. */
export function collectingSubscriber(name = 'test') {
  const facts: ContainerFact[] = [];
  const subscriber: ContainerFactSubscriber = {
    name,
    handle: f => {
      facts.push(f);
    },
  };
  const waitFor = async (
    what: string,
    match: (f: ContainerFact) => boolean,
    timeoutMs = 10_000,
  ): Promise<ContainerFact> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = facts.find(match);
      if (hit) return hit;
      if (Date.now() > deadline)
        throw new Error(
          `no fact ${what} after ${timeoutMs} ms; got ${facts
            .map(f => `${f.environment.name}/${f.container.name}:${f.kind}`)
            .join(', ')}`,
        );
      await new Promise(r => setTimeout(r, 20));
    }
  };
  return { facts, subscriber, waitFor };
}

/** A replica's watchers over the lab's channel, with short leases and back-off. */
export function labWatchers(options: {
  ownerId: string;
  leases: WatchLeaseStore;
  targets: () => Promise<WatchTarget[]>;
  channel: DockerChannel;
  portal?: Pick<PortalChanges, 'tag'>;
  subscribers: ContainerFactSubscriber[];
  leaseMs?: number;
  fullPassMs?: number;
}): ContainerWatchers {
  return new ContainerWatchers({
    ownerId: options.ownerId,
    leases: options.leases,
    targets: options.targets,
    docker: options.channel,
    portal: options.portal ?? { tag: async () => null },
    subscribers: options.subscribers,
    leaseMs: options.leaseMs ?? 600,
    settings: {
      fullPassMs: options.fullPassMs ?? 60_000,
      streamMaxMs: 60_000,
      backoff: { initialMs: 50, maxMs: 200 },
    },
    logger: mockServices.logger.mock(),
  });
}

/** Polls `check` until it holds (fails naming `what`). */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 20));
  }
}
