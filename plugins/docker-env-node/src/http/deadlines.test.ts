import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { UpstreamApiError } from '../errors';
import { NetBoxClient } from '../netbox';
import { PortainerClient } from '../portainer';
import { ProxmoxApiClient, PveTransport, type LxcListEntry } from '../proxmox';
import { MAX_RESPONSE_BYTES } from './boundedBody';

/**
 * Every call of the HTTP clients (Proxmox, Portainer, NetBox) against a server that never answers and one that
 * answers without end: each gives up at its deadline, or refuses the answer once it is larger than the cap.
 */

const TIMEOUT_MS = 200;

type Server = { url: string; close(): Promise<void> };

/** Accepts, reads the request, never answers; or trickles one header line every 20 ms, never finishing. */
async function startHungServer(trickle: boolean): Promise<Server> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      if (!trickle) return;
      socket.write('HTTP/1.1 200 OK\r\n');
      const timer = setInterval(() => socket.write('X-Wait: 1\r\n'), 20);
      socket.on('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise(r => server.close(r));
    },
  };
}

/** Answers every request 200 with a JSON list larger than {@link MAX_RESPONSE_BYTES}. */
async function startHugeServer(): Promise<Server> {
  const item = `"${'x'.repeat(1022)}",`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    let sent = 0;
    const more = () => {
      while (sent < MAX_RESPONSE_BYTES + 65536) {
        sent += item.length;
        if (!res.write(item)) {
          res.once('drain', more);
          return;
        }
      }
      res.end('"x"]');
    };
    res.write('[');
    more();
    res.on('error', () => {});
  });
  server.on('clientError', () => {});
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise(r => server.close(r));
    },
  };
}

const UPID = 'UPID:pve:0000ABCD:0001E240:6751A2B3:vzstart:100:root@pam:';
const CT: LxcListEntry = {
  vmid: 100,
  node: 'pve',
  status: 'running',
  tags: [],
  template: false,
};
const quick = { timeoutMs: 1000, intervalMs: 10 };

const proxmoxCalls: Record<string, (c: ProxmoxApiClient) => Promise<unknown>> =
  {
    nextId: c => c.nextId(),
    listContainers: c => c.listContainers(),
    findContainer: c => c.findContainer({ hostname: 'env-a' }),
    isOurs: c => c.isOurs(CT, 'env-1'),
    cloneFromTemplate: c =>
      c.cloneFromTemplate({
        templateVmid: 9000,
        hostname: 'env-a',
        environmentId: 'env-1',
      }),
    createFromOsTemplate: c =>
      c.createFromOsTemplate({
        ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
        hostname: 'env-a',
        environmentId: 'env-1',
        cores: 1,
        memoryMiB: 512,
        swapMiB: 0,
        storage: 'local-lvm',
        diskGiB: 8,
      }),
    waitForTask: c =>
      c.waitForTask(UPID, {
        timeoutMs: 1000,
        backoff: { initialMs: 10, maxMs: 10, factor: 1 },
      }),
    getConfig: c => c.getConfig(100),
    updateConfig: c => c.updateConfig(100, { cores: 2 }),
    resizeDisk: c => c.resizeDisk(100, 1),
    start: c => c.start(100),
    shutdown: c => c.shutdown(100),
    stop: c => c.stop(100),
    getStatus: c => c.getStatus(100),
    getInterfaces: c => c.getInterfaces(100),
    waitForIp: c => c.waitForIp(100, quick),
    getRrdData: c => c.getRrdData(100),
    listSnapshots: c => c.listSnapshots(100),
    createSnapshot: c => c.createSnapshot(100, 's1'),
    deleteSnapshot: c => c.deleteSnapshot(100, 's1'),
    rollbackSnapshot: c => c.rollbackSnapshot(100, 's1'),
    destroy: c => c.destroy(100),
    getFirewallOptions: c => c.getFirewallOptions(100),
    setFirewallOptions: c => c.setFirewallOptions(100, { enable: true }),
    listFirewallRules: c => c.listFirewallRules(100),
    createFirewallRule: c =>
      c.createFirewallRule(100, { type: 'in', action: 'ACCEPT' }),
    deleteFirewallRule: c => c.deleteFirewallRule(100, 0),
    vzdump: c => c.vzdump(100, { storage: 'backup', mode: 'snapshot' }),
    activeTasks: c => c.activeTasks(100, 'vzdump'),
    listBackups: c => c.listBackups('backup', 100),
    deleteBackup: c =>
      c.deleteBackup(
        'backup:backup/vzdump-lxc-100-2026_12_01-00_00_00.tar.zst',
      ),
    restoreFromBackup: c =>
      c.restoreFromBackup({
        volid: 'backup:backup/vzdump-lxc-100-2026_12_01-00_00_00.tar.zst',
        hostname: 'env-a',
        environmentId: 'env-1',
      }),
  };

const portainerCalls: Record<string, (c: PortainerClient) => Promise<unknown>> =
  {
    createAgentEndpoint: c =>
      c.createAgentEndpoint({
        name: 'env-a',
        ip: '127.0.0.1',
        environmentId: 'env-1',
      }),
    updateAgentAddress: c =>
      c.updateAgentAddress({
        endpointId: 1,
        environmentId: 'env-1',
        ip: '127.0.0.2',
      }),
    findOwnedEndpoint: c => c.findOwnedEndpoint('env-a', 'env-1'),
    listTags: c => c.listTags(),
    ensureTag: c => c.ensureTag('docker-env'),
    deleteTag: c => c.deleteTag(1),
    getEndpoint: c => c.getEndpoint(1),
    listEndpoints: c => c.listEndpoints(),
    deleteEndpoint: c => c.deleteEndpoint(1),
    ensureTeam: c => c.ensureTeam('team-a'),
    deleteTeam: c => c.deleteTeam(2),
    listTeams: c => c.listTeams(),
    listTeamMemberships: c => c.listTeamMemberships(2),
    addTeamMember: c => c.addTeamMember(2, 3, 2),
    removeTeamMember: c => c.removeTeamMember(2, 3),
    findUserByUsername: c => c.findUserByUsername('alice'),
    listUsers: c => c.listUsers(),
    grantTeamAccess: c => c.grantTeamAccess(1, 2),
    revokeTeamAccess: c => c.revokeTeamAccess(1, 2),
    ensureRegistry: c =>
      c.ensureRegistry({ name: 'r', type: 3, url: 'registry.example.test' }),
    grantRegistryAccess: c => c.grantRegistryAccess(1, 1, [2]),
    revokeRegistryAccess: c => c.revokeRegistryAccess(1, 1, [2]),
    listRegistries: c => c.listRegistries(),
    updateRegistry: c =>
      c.updateRegistry(1, {
        name: 'r',
        type: 3,
        url: 'registry.example.test',
      }),
    deleteRegistry: c => c.deleteRegistry(1),
    listContainers: c => c.listContainers(1),
    dockerRequest: c => c.dockerRequest(1, 'GET', '/containers/json'),
  };

const netboxCalls: Record<string, (c: NetBoxClient) => Promise<unknown>> = {
  ensureClusterType: c => c.ensureClusterType('Proxmox', 'proxmox'),
  ensureCluster: c => c.ensureCluster('pve', 1),
  ensureCustomField: c =>
    c.ensureCustomField({ name: 'docker_env_id', type: 'text' }),
  ensureTag: c => c.ensureTag('docker-env', 'docker-env'),
  createVirtualMachine: c =>
    c.createVirtualMachine({ name: 'env-a', clusterId: 1 }),
  getVirtualMachine: c => c.getVirtualMachine('env-a', 1),
  getVirtualMachineById: c => c.getVirtualMachineById(1),
  listVirtualMachines: c => c.listVirtualMachines({}),
  updateVirtualMachine: c => c.updateVirtualMachine(1, { vcpus: 2 }),
  setVirtualMachineStatus: c => c.setVirtualMachineStatus(1, 'active'),
  deleteVirtualMachine: c => c.deleteVirtualMachine(1),
  upsertVirtualMachine: c =>
    c.upsertVirtualMachine(
      { name: 'env-a', clusterId: 1 },
      { environmentId: 'env-1' },
    ),
  ensureInterface: c => c.ensureInterface(1, 'eth0'),
  ensureIpAddress: c =>
    c.ensureIpAddress({ address: '10.0.0.5/24', interfaceId: 1 }),
  setPrimaryIp4: c => c.setPrimaryIp4(1, 1),
  changePrimaryIp4: c => c.changePrimaryIp4(1, 'env-1', '10.0.0.6'),
  releasePrimaryIp4: c => c.releasePrimaryIp4(1, 'env-1'),
};

/** Public methods along the prototype chain (what a caller can call). */
function publicMethods(client: object, internal: string[]): string[] {
  const names = new Set<string>();
  for (
    let p = Object.getPrototypeOf(client);
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  )
    for (const n of Object.getOwnPropertyNames(p))
      if (n !== 'constructor' && typeof (client as any)[n] === 'function')
        names.add(n);
  return [...names].filter(n => !internal.includes(n)).sort();
}

interface Case<C> {
  name: string;
  build(url: string, timeoutMs?: number): { client: C; close(): void };
  calls: Record<string, (c: C) => Promise<unknown>>;
  /** Helpers that are not calls of their own, or only derive another client. */
  internal: string[];
}

const cases: Array<Case<any>> = [
  {
    name: 'ProxmoxApiClient',
    build: (url, timeoutMs = TIMEOUT_MS) => {
      const transport = new PveTransport({
        url: `${url}/api2/json`,
        tokenId: 'docker-env@pve!portal',
        tokenSecret: '5f3c2a10-8d4e-4b6f-9a7c-1e2d3f4a5b6c',
        timeoutMs,
      });
      return {
        client: new ProxmoxApiClient(transport, 'pve'),
        close: () => transport.close(),
      };
    },
    calls: proxmoxCalls,
    internal: ['forNode', 'ctPath', 'createIdempotently', 'call'],
  } satisfies Case<ProxmoxApiClient>,
  {
    name: 'PortainerClient',
    build: (url, timeoutMs = TIMEOUT_MS) => ({
      client: new PortainerClient({
        baseUrl: url,
        apiKey: 'ptr_0123456789abcdef',
        timeoutMs,
      }),
      close: () => {},
    }),
    calls: portainerCalls,
    internal: [
      'raw',
      'check',
      'request',
      'deleteIfPresent',
      'findOrCreate',
      'updateTeamAccess',
      'updateRegistryAccess',
    ],
  } satisfies Case<PortainerClient>,
  {
    name: 'NetBoxClient',
    build: (url, timeoutMs = TIMEOUT_MS) => ({
      client: new NetBoxClient({
        baseUrl: url,
        token: 'nbt_abc123.0123456789abcdef',
        timeoutMs,
      }),
      close: () => {},
    }),
    calls: netboxCalls,
    internal: [
      'request',
      'listAll',
      'sameServer',
      'findOrCreate',
      'ourVirtualMachine',
    ],
  } satisfies Case<NetBoxClient>,
];

describe.each(cases)('$name', ({ build, calls, internal }) => {
  it('is tested with every public method', () => {
    const { client, close } = build('http://127.0.0.1:9');
    close();
    expect(publicMethods(client, internal)).toEqual(Object.keys(calls).sort());
  });

  describe.each([
    ['a server that never answers', () => startHungServer(false)],
    ['a server that trickles headers forever', () => startHungServer(true)],
  ])('against %s', (_what, start) => {
    let server: Server;
    let built: ReturnType<typeof build>;
    beforeAll(async () => {
      server = await start();
      built = build(server.url);
    });
    afterAll(async () => {
      built.close();
      await server.close();
    });

    it.each(Object.keys(calls))('%s gives up at its deadline', async name => {
      const started = Date.now();
      const error = await calls[name](built.client).catch(e => e);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      // waitForTask rides out three transport failures before it gives up
      expect(elapsed).toBeLessThan(TIMEOUT_MS * 4 + 1500);
    });
  });

  describe('against a server whose answer has no end', () => {
    let server: Server;
    let built: ReturnType<typeof build>;
    beforeAll(async () => {
      server = await startHugeServer();
      // time enough to receive the cap on a busy machine: the cap, not the deadline, must end the call
      built = build(server.url, 20_000);
    });
    afterAll(async () => {
      built.close();
      await server.close();
    });

    it.each(Object.keys(calls))(
      '%s refuses an answer over the cap',
      async name => {
        const error = await calls[name](built.client).catch(e => e);
        expect(error).toBeInstanceOf(UpstreamApiError);
        expect((error as Error).message).toMatch(/larger than \d+ bytes/);
      },
    );
  });
});
