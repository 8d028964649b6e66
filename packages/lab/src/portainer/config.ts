import { randomUUID } from 'node:crypto';
import type { UnknownInputPolicy } from '../contracts';
import type { AgentLink } from '../tls/agentSignature';
import type { PortainerState } from './model';

/** The admin API key accepted by default (`X-API-Key`). */
export const PORTAINER_LAB_API_KEY =
  'ptr_labAdminKey0000000000000000000000000000000';

/**
 * Default latencies in ms (Portainer CE on BoltDB answers fast): reads 20-30 ms, writes 40-60 ms,
 * environment creation 100 ms plus the real agent ping. Operation names: `portainer.<op>`, e.g.
 * `portainer.endpoint.create`, `portainer.endpoint.update`, `portainer.team.create`,
 * `portainer.membership.delete`, `portainer.registry.create`, `portainer.docker` (proxy).
 */
export const PORTAINER_DEFAULT_LATENCIES: Record<string, number> = {
  'portainer.auth': 60,
  'portainer.endpoint.list': 30,
  'portainer.settings.get': 10,
  'portainer.settings.update': 30,
  'portainer.endpoint.get': 20,
  'portainer.endpoint.create': 100,
  'portainer.endpoint.update': 50,
  'portainer.endpoint.delete': 50,
  'portainer.endpoint.registryAccess': 40,
  'portainer.team.list': 20,
  'portainer.team.get': 20,
  'portainer.team.create': 40,
  'portainer.team.delete': 40,
  'portainer.team.memberships': 20,
  'portainer.membership.list': 20,
  'portainer.membership.create': 40,
  'portainer.membership.delete': 40,
  'portainer.user.list': 20,
  'portainer.user.get': 20,
  'portainer.registry.list': 20,
  'portainer.registry.get': 20,
  'portainer.registry.create': 60,
  'portainer.registry.update': 50,
  'portainer.registry.delete': 40,
  'portainer.docker': 20,
};

/** Options of {@link PortainerSimulator.start}. */
export interface PortainerSimulatorOptions {
  /** Multiplier for every latency; 0 makes the simulator instant. Default 1. */
  latencyScale?: number;
  /** API keys of the admin user. Default: {@link PORTAINER_LAB_API_KEY}. */
  apiKeys?: string[];
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Serve HTTPS with this key and certificate (the lab's TLS mode); default plain HTTP. */
  tls?: { key: string; cert: string };
  /**
   * How Portainer talks to its agents: over TLS, its requests signed, with `AGENT_SECRET` when set
   * ({@link AgentLink}). Default: plain HTTP, unsigned (the embedded default's agents).
   */
  agentLink?: AgentLink;
  /** Password of the seeded `admin` (id 1) for `POST /api/auth`. Default `labAdminPassword1`. */
  adminPassword?: string;
  /** Regular users to seed (ids from 2). Default alice, bob, carol with password `labPassword1`. */
  users?: Array<{ username: string; password?: string }>;
  /** Tag ids that exist (named `tag-<id>`). Default none; `POST /api/tags` adds more. */
  tagIds?: number[];
  /** How often every environment is snapshotted, ms; Portainer's default 5 min. 0 turns it off. */
  snapshotIntervalMs?: number;
  /**
   * Query parameters, form fields and body fields outside the Portainer contract, which Portainer
   * ignores: `reject` (default) answers 400 naming them, `ignore` answers as Portainer. Both record
   * them in {@link PortainerSimulator.contractDrift}.
   */
  unknownInput?: UnknownInputPolicy;
}

/** The simulator's starting state: the `admin` (id 1), the seeded users and tags, nothing else. */
export function seedState(options: PortainerSimulatorOptions): PortainerState {
  const seeded = options.users ?? [
    { username: 'alice' },
    { username: 'bob' },
    { username: 'carol' },
  ];
  return {
    users: [
      {
        Id: 1,
        Username: 'admin',
        Role: 1,
        password: options.adminPassword ?? 'labAdminPassword1',
      },
      ...seeded.map((u, i) => ({
        Id: i + 2,
        Username: u.username,
        Role: 2,
        password: u.password ?? 'labPassword1',
      })),
    ],
    teams: [],
    memberships: [],
    endpoints: [],
    registries: [],
    tags: (options.tagIds ?? []).map(id => ({ ID: id, Name: `tag-${id}` })),
    instanceId: randomUUID(),
    nextId: {
      user: seeded.length + 1,
      tag: Math.max(0, ...(options.tagIds ?? [])),
    },
  };
}
