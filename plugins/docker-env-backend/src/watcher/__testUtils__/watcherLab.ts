import { mockServices } from '@backstage/backend-test-utils';
import type { DockerChannel } from '@docker-env/plugin-docker-env-workflows-node';
import {
  ContainerWatchers,
  type ContainerFactSubscriber,
  type WatchTarget,
} from '../ContainerWatchers';
import type { ContainerFact } from '../facts';
import type { PortalChanges } from '../PortalChanges';
import type { WatchLeaseStore } from '../WatchLeaseStore';

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
