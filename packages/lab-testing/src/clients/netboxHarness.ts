import {
  NETBOX_LAB_TOKEN_V2,
  NetBoxSimulator,
  netboxContractValidator,
} from '@docker-env/lab';
import { NetBoxClient } from '@docker-env/plugin-docker-env-node';

const WRITE_SCHEMAS: Record<string, Record<string, string>> = {
  '/api/virtualization/cluster-types/': { POST: 'ClusterTypeRequest' },
  '/api/virtualization/clusters/': { POST: 'WritableClusterRequest' },
  '/api/extras/custom-fields/': { POST: 'WritableCustomFieldRequest' },
  '/api/extras/tags/': { POST: 'TagRequest' },
  '/api/virtualization/virtual-machines/': {
    POST: 'WritableVirtualMachineWithConfigContextRequest',
  },
  '/api/virtualization/virtual-machines/{id}/': {
    PATCH: 'PatchedWritableVirtualMachineWithConfigContextRequest',
  },
  '/api/virtualization/interfaces/': { POST: 'WritableVMInterfaceRequest' },
  '/api/ipam/ip-addresses/': { POST: 'WritableIPAddressRequest' },
  '/api/ipam/ip-addresses/{id}/': {
    PATCH: 'PatchedWritableIPAddressRequest',
  },
};

/**
 * A fresh NetBox simulator per test (registers the hooks), a client whose every request is recorded in `sent` and
 * whose write bodies are checked against the pinned contract's request schemas, and the objects provisioning sets up.
 */
export function netboxHarness() {
  let sim: NetBoxSimulator;
  const contract = netboxContractValidator();
  const sent: Array<{
    method: string;
    path: string;
    body: unknown;
    auth: string | null;
  }> = [];

  /** fetch that records every request and checks write bodies against the contract's request schemas. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    const auth = new Headers(init?.headers).get('authorization');
    sent.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      body,
      auth,
    });
    const key = url.pathname.replace(/\/\d+\/$/, '/{id}/');
    const schema = WRITE_SCHEMAS[key]?.[init?.method ?? 'GET'];
    if (body !== undefined) {
      expect(schema).toBeDefined();
      expect(contract.validate(schema!, body)).toEqual([]);
    }
    return fetch(input, init);
  };

  beforeEach(async () => {
    sent.length = 0;
    sim = await NetBoxSimulator.start({ latencyScale: 0 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  return {
    get sim() {
      return sim;
    },
    sent,
    recordingFetch,
    client: (token = NETBOX_LAB_TOKEN_V2, extra: object = {}) =>
      new NetBoxClient({
        baseUrl: sim.url,
        token,
        fetch: recordingFetch,
        ...extra,
      }),
    /** Cluster type, cluster, the two environment custom fields and the `docker-env` tag. */
    async setup(nb: NetBoxClient) {
      const type = await nb.ensureClusterType('Proxmox', 'proxmox');
      const cluster = await nb.ensureCluster('pve-lab', type.id);
      await nb.ensureCustomField({
        name: 'docker_env_id',
        type: 'text',
        label: 'Environment',
      });
      await nb.ensureCustomField({
        name: 'docker_env_environment_id',
        type: 'text',
        label: 'Environment id',
      });
      const tag = await nb.ensureTag('docker-env', 'docker-env', '2196f3');
      return { type, cluster, tag };
    },
  };
}
