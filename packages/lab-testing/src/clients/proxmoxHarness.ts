import {
  DEFAULT_PROXMOX_SIM_TOKEN,
  ProxmoxContract,
  ProxmoxSimulator,
  type GuestHost,
  type GuestSpec,
} from '@docker-env/lab';
import { ProxmoxApiClient } from '@docker-env/plugin-docker-env-node';
import { PveTransport } from '@docker-env/plugin-docker-env-node';

/** Records what the simulator asks of the guests (start, stop, destroy). */
export class RecordingGuests implements GuestHost {
  readonly calls: string[] = [];
  async start(spec: GuestSpec) {
    this.calls.push(
      `start ${spec.vmid} ${spec.hostname} ${spec.ip} ${spec.dockerPreinstalled}`,
    );
  }
  async stop(vmid: number) {
    this.calls.push(`stop ${vmid}`);
  }
  async destroy(vmid: number) {
    this.calls.push(`destroy ${vmid}`);
  }
}

/** Task waits for the simulator (no latency). */
export const fast = {
  backoff: { initialMs: 5, maxMs: 20, factor: 2 },
  timeoutMs: 5000,
};

/**
 * A fresh Proxmox simulator per test (registers the hooks) and a client on it; `expectRequestsMatchContract` checks
 * every request sent so far against the pinned PVE 9.1 contract.
 */
export function proxmoxHarness() {
  const contract = ProxmoxContract.load();
  let sim: ProxmoxSimulator;
  let guests: RecordingGuests;
  let client: ProxmoxApiClient;
  let transport: PveTransport;

  function makeClient(
    secret = DEFAULT_PROXMOX_SIM_TOKEN.secret,
    timeoutMs = 5000,
  ) {
    transport = new PveTransport({
      url: sim.url,
      tokenId: DEFAULT_PROXMOX_SIM_TOKEN.id,
      tokenSecret: secret,
      timeoutMs,
    });
    return new ProxmoxApiClient(transport, 'pve', {
      attempts: 5,
      backoff: { initialMs: 5, maxMs: 20, factor: 2 },
    });
  }

  beforeEach(async () => {
    guests = new RecordingGuests();
    sim = await ProxmoxSimulator.start({ latencyScale: 0, guests });
    client = makeClient();
  });
  afterEach(async () => {
    transport.close();
    await sim.stop();
  });

  /** Every request the client sent exists in the contract, with valid parameters and form bodies. */
  function expectRequestsMatchContract() {
    expect(sim.requests.length).toBeGreaterThan(0);
    for (const r of sim.requests) {
      const m = contract.match(r.method, r.path);
      expect({ request: `${r.method} ${r.path}`, known: !!m }).toEqual({
        request: `${r.method} ${r.path}`,
        known: true,
      });
      const params = { ...r.query, ...r.body, ...m!.pathParams };
      expect({
        request: `${r.method} ${r.path}`,
        errors: contract.validateRequest(r.method, m!.template, params),
      }).toEqual({
        request: `${r.method} ${r.path}`,
        errors: [],
      });
      if (r.method === 'POST' || r.method === 'PUT') {
        if (Object.keys(r.body).length)
          expect(r.contentType).toBe('application/x-www-form-urlencoded');
        expect(r.query).toEqual({});
      } else expect(r.body).toEqual({});
    }
  }

  return {
    get sim() {
      return sim;
    },
    get guests() {
      return guests;
    },
    get client() {
      return client;
    },
    set client(c: ProxmoxApiClient) {
      client = c;
    },
    get transport() {
      return transport;
    },
    makeClient,
    expectRequestsMatchContract,
  };
}
