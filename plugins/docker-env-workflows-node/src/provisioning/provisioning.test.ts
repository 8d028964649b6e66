import { ConfigReader } from '@backstage/config';
import {
  LAB_PRIVATE_REGISTRY,
  startLab,
  traefikSchemaValidator,
  type FaultAction,
  type Lab,
  type LabControl,
} from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { OperationStep, OperationTarget } from '../operations';
import {
  OwnershipConflictError,
  RouteFileNotOursError,
} from '@docker-env/plugin-docker-env-node';
import { PveTransport } from '@docker-env/plugin-docker-env-node';
import type { RouteStore } from '@docker-env/plugin-docker-env-node';
import {
  buildProvisionSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
  type ProvisionStepName,
} from '.';
import {
  labSnapshot,
  provision,
  undoAll,
} from '@docker-env/lab-testing/workflows/driver';

const STEP_TIMEOUT_MS = 1500;

const target: OperationTarget = {
  environmentId: 'env-test-project',
  name: 'test-project',
  owner: 'group:default/team-a',
  cpuCores: 2,
  memoryMb: 2048,
  diskGb: 12,
  purpose: 'provisioning test',
};

/** A route store that the test can make fail or hang (the route folder has no lab control). */
class FaultyRouteStore implements RouteStore {
  fault?: FaultAction;
  constructor(private readonly inner: RouteStore) {}
  private async gate() {
    const fault = this.fault;
    this.fault = undefined;
    if (fault?.kind === 'hang') await new Promise(() => {});
    if (fault?.kind === 'fail')
      throw new Error('route store: injected failure');
  }
  async put(...args: Parameters<RouteStore['put']>) {
    await this.gate();
    return this.inner.put(...args);
  }
  get(...args: Parameters<RouteStore['get']>) {
    return this.inner.get(...args);
  }
  remove(...args: Parameters<RouteStore['remove']>) {
    return this.inner.remove(...args);
  }
  owner(...args: Parameters<RouteStore['owner']>) {
    return this.inner.owner(...args);
  }
  legacy(...args: Parameters<RouteStore['legacy']>) {
    return this.inner.legacy(...args);
  }
  list() {
    return this.inner.list();
  }
}

describe('the provisioning steps against the lab', () => {
  let lab: Lab;
  let routesDir: string;
  let steps: OperationStep[];
  let routeStore: FaultyRouteStore;
  let deps: ProvisioningDeps;
  let provisioningConfig: ReturnType<typeof readProvisioningConfig>;

  beforeAll(async () => {
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'provision-routes-'));
    const config = new ConfigReader({
      dockerEnv: {
        proxmox: {
          baseUrl: lab.urls.proxmox.replace(/\/api2\/json$/, ''),
          allowInsecure: true,
          tokenId: lab.credentials.proxmox.tokenId,
          tokenSecret: lab.credentials.proxmox.tokenSecret,
          timeoutMs: 3000,
        },
        netbox: {
          baseUrl: lab.urls.netbox,
          allowInsecure: true,
          token: lab.credentials.netbox.token,
          timeoutMs: 3000,
        },
        portainer: {
          baseUrl: lab.urls.portainer.replace(/\/api$/, ''),
          allowInsecure: true,
          apiKey: lab.credentials.portainer.apiKey,
          timeoutMs: 3000,
        },
        traefik: {
          baseDomain: 'docker.localhost',
          tls: false,
          entryPoints: ['web'],
          directory: routesDir,
        },
        docker: { kind: 'portainer', timeoutMs: 3000 },
        registries: [
          {
            name: 'team-a-gitlab',
            owner: 'group:default/team-a',
            url: LAB_PRIVATE_REGISTRY.url,
            username: LAB_PRIVATE_REGISTRY.username,
            password: LAB_PRIVATE_REGISTRY.password,
          },
        ],
        provisioning: {
          agent: { scheme: 'http' },
          publicPort: 18000,
          firewall: {
            sources: {
              portal: ['127.0.0.1'],
              portainer: ['127.0.0.1'],
              traefik: ['127.0.0.1'],
            },
          },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, STEP_TIMEOUT_MS]),
          ),
        },
      },
    });
    deps = ProvisioningDeps.fromConfig(config, {
      teams: async () => ({ members: ['alice', 'bob', 'zoe'] }),
    });
    const routes = deps.routes as any;
    routeStore = new FaultyRouteStore(routes.store);
    routes.store = routeStore;
    provisioningConfig = readProvisioningConfig(config);
    steps = buildProvisionSteps(deps, provisioningConfig);
  });

  afterAll(async () => {
    await lab?.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  const controls = (): Record<string, LabControl> => ({
    proxmox: lab.proxmox.control,
    netbox: lab.netbox.control,
    portainer: lab.portainer.control,
    guest: lab.guests.control,
  });
  const resetFaults = () => {
    for (const c of Object.values(controls())) c.reset();
    routeStore.fault = undefined;
  };

  /** Nothing of the environment is left anywhere (shared setup such as NetBox's cluster may stay). */
  async function expectNothingLeft() {
    const snap = await labSnapshot(lab, routesDir);
    expect(snap.pve).toEqual([]);
    expect(snap.guests).toEqual([]);
    expect(snap.portainer.endpoints).toEqual([]);
    expect(snap.portainer.teams).toEqual([]);
    expect(snap.portainer.memberships).toEqual([]);
    for (const r of lab.portainer.state.registries)
      expect(r.RegistryAccesses).toEqual({});
    expect(snap.portainer.tags.map((t: any) => t.Name)).not.toContain(
      'docker-env-env-test-project',
    );
    expect(snap.netbox).toEqual({ vms: [], interfaces: [], ips: [] });
    expect(snap.files).toEqual({});
  }

  async function expectProvisioned(facts: Record<string, unknown>) {
    const vmid = facts.vmid as number;
    const ct = lab.proxmox.container(vmid)!;
    expect(ct.status).toBe('running');
    expect(ct.config).toMatchObject({
      hostname: 'test-project',
      cores: 2,
      memory: 2048,
      unprivileged: 1,
    });
    expect(String(ct.config.rootfs)).toMatch(/size=12G/);
    expect(String(ct.config.tags).split(';')).toEqual(
      expect.arrayContaining(['docker-env', 'docker-env-env-test-project']),
    );
    expect(String(ct.config.description)).toContain(
      'owner: group:default/team-a',
    );
    expect(ct.firewall.options).toMatchObject({ enable: 1, policy_in: 'DROP' });
    expect(String(ct.config.net0).split(',')).toContain('firewall=1');
    // the agent from Portainer and the portal, the published ports from Traefik and the portal; no SSH, no ICMP
    expect(
      ct.firewall.rules
        .map(r => [r.comment, r.proto, r.dport, r.source])
        .sort(),
    ).toEqual([
      ['docker-env portainer agent', 'tcp', '9001', '127.0.0.1'],
      ['docker-env published ports', 'tcp', '80:9000,9002:65535', '127.0.0.1'],
    ]);

    const pt = lab.portainer.state;
    const endpoint = pt.endpoints.find(e => e.Id === facts.endpointId)!;
    expect(endpoint.URL).toBe(`tcp://${facts.ip}:9001`);
    const team = pt.teams.find(
      t => t.Name === 'docker-env-group:default/team-a',
    )!;
    expect(endpoint.TeamAccessPolicies).toEqual({ [team.Id]: { RoleId: 1 } });
    const members = pt.memberships
      .filter(m => m.TeamID === team.Id)
      .map(m => pt.users.find(u => u.Id === m.UserID)!.Username);
    expect(members.sort()).toEqual(['alice', 'bob']);
    // the owner's registry, registered once, granted to the owner's team on this environment only
    const registry = pt.registries.find(
      r => r.Name === 'docker-env-registry-team-a-gitlab',
    )!;
    expect(
      registry.RegistryAccesses[String(endpoint.Id)]?.TeamAccessPolicies,
    ).toEqual({
      [team.Id]: { RoleId: 0 },
    });
    expect(facts.registryIds).toEqual([registry.Id]);

    const welcome = await fetch(`http://${facts.ip}:8080/`);
    expect(welcome.status).toBe(200);

    const file = await fs.readFile(
      path.join(routesDir, 'dockerenv_test-project.yml'),
      'utf8',
    );
    const doc = YAML.parse(file);
    expect(traefikSchemaValidator()(doc)).toEqual([]);
    expect(file).toContain('Host(`test-project.docker.localhost`)');
    expect(file).toContain(`http://${facts.ip}:8080`);
    expect(facts.url).toBe('http://test-project.docker.localhost:18000');

    const nb = lab.netbox.state;
    const vm = nb.virtualMachines.find(v => v.id === facts.netboxVmId)!;
    expect(vm.custom_fields).toMatchObject({
      proxmox_vmid: vmid,
      proxmox_node: 'pve',
      docker_env_owner: 'group:default/team-a',
      docker_env_environment_id: 'env-test-project',
    });
    const primary = nb.ipAddresses.find(ip => ip.id === vm.primary_ip4)!;
    expect(primary.address).toBe(`${facts.ip}/${facts.ipPrefix}`);
  }

  it('names its steps in order', () => {
    expect(steps.map(s => s.name)).toEqual([...PROVISION_STEP_NAMES]);
  });

  it('provisions an environment, and running the steps again changes nothing', async () => {
    const first = await provision(steps, target);
    expect(first.failed).toBeUndefined();
    await expectProvisioned(first.facts);

    const before = await labSnapshot(lab, routesDir);
    const clones = lab.proxmox.control.callCount('proxmox.lxc.clone');
    const again = await provision(steps, target, first.facts);
    expect(again.failed).toBeUndefined();
    expect(again.facts).toEqual(first.facts);
    expect(await labSnapshot(lab, routesDir)).toEqual(before);
    expect(lab.proxmox.control.callCount('proxmox.lxc.clone')).toBe(clones);

    await undoAll(steps, target, again.facts);
    await expectNothingLeft();
  });

  it('refuses a same-named CT that is not ours and leaves it alone', async () => {
    const transport = new PveTransport({
      url: lab.urls.proxmox,
      tokenId: lab.credentials.proxmox.tokenId,
      tokenSecret: lab.credentials.proxmox.tokenSecret,
    });
    await transport.request('POST', '/nodes/pve/lxc/9000/clone', {
      newid: 777,
      hostname: 'test-project',
    });
    transport.close();
    const result = await provision(steps, target);
    expect(result.failed?.step).toBe('lxc');
    expect(result.failed?.error).toBeInstanceOf(OwnershipConflictError);
    expect(lab.proxmox.container(777)?.config.hostname).toBe('test-project');
    // the stranger's CT is gone by hand; our retry then succeeds
    await new Promise(r => setTimeout(r, 20));
    lab.proxmox.state.containers.delete(777);
    await lab.guests.destroy(777);
    const retry = await provision(steps, target);
    expect(retry.failed).toBeUndefined();
    await undoAll(steps, target, retry.facts);
    await expectNothingLeft();
  });

  it('refuses a same-named route file without its mark at the route step, and its undo leaves that file alone', async () => {
    const file = path.join(routesDir, 'dockerenv_test-project.yml');
    const foreign =
      '# docker-env-environment: env-someone-else\nhttp:\n  routers:\n    theirs:\n      rule: Host(`test-project.docker.localhost`)\n      service: theirs@file\n';
    await fs.writeFile(file, foreign);
    const result = await provision(steps, target);
    expect(result.failed?.step).toBe('route');
    expect(result.failed?.error).toBeInstanceOf(RouteFileNotOursError);
    expect(result.failed?.error.message).toBe(
      'route file dockerenv_test-project.yml is marked for environment env-someone-else: it was not overwritten for environment env-test-project (remove or rename it by hand if it is a leftover)',
    );
    // everything else was undone; the file is as its owner left it
    expect(await fs.readFile(file, 'utf8')).toBe(foreign);
    await fs.rm(file);
    await expectNothingLeft();
  });

  it('running the lxc step again puts back our loosened rules and leaves the operator ones', async () => {
    const first = await provision(steps, target);
    expect(first.failed).toBeUndefined();
    const ct = lab.proxmox.container(first.facts.vmid as number)!;
    const agent = ct.firewall.rules.find(
      r => r.comment === 'docker-env portainer agent',
    )!;
    delete agent.source; // widened to any address outside the portal
    ct.firewall.rules.push({
      type: 'in',
      action: 'ACCEPT',
      proto: 'tcp',
      dport: '9100',
      source: '10.9.9.9',
      comment: 'ops: node exporter',
    });
    const again = await provision(steps, target, first.facts);
    expect(again.failed).toBeUndefined();
    expect(
      ct.firewall.rules.map(r => [r.comment, r.dport, r.source]).sort(),
    ).toEqual([
      ['docker-env portainer agent', '9001', '127.0.0.1'],
      ['docker-env published ports', '80:9000,9002:65535', '127.0.0.1'],
      ['ops: node exporter', '9100', '10.9.9.9'],
    ]);
    await undoAll(steps, target, again.facts);
    await expectNothingLeft();
  });

  it('a golden template without firewall=1 on net0: the clone gets it', async () => {
    const template = lab.proxmox.container(9000)!;
    const net0 = String(template.config.net0);
    template.config.net0 = net0.replace('firewall=1,', '');
    try {
      const result = await provision(steps, target);
      expect(result.failed).toBeUndefined();
      await expectProvisioned(result.facts);
      await undoAll(steps, target, result.facts);
    } finally {
      template.config.net0 = net0;
    }
    await expectNothingLeft();
  });

  it('a clone whose net0 will not take firewall=1 fails the lxc step, leaving nothing', async () => {
    const template = lab.proxmox.container(9000)!;
    const net0 = String(template.config.net0);
    template.config.net0 = net0.replace('firewall=1,', '');
    // a node that accepts the change but does not keep it (a hook script, a concurrent edit)
    const forgetful = Object.create(deps.proxmox) as typeof deps.proxmox;
    forgetful.forNode = node => {
      const ct = deps.proxmox.forNode(node);
      const wrapped = Object.create(ct) as typeof ct;
      wrapped.updateConfig = async (vmid, changes, options) => {
        const { net0: _dropped, ...rest } = changes;
        if (Object.keys(rest).length)
          await ct.updateConfig(vmid, rest, options);
      };
      return wrapped;
    };
    try {
      const result = await provision(
        buildProvisionSteps(
          { ...deps, proxmox: forgetful },
          provisioningConfig,
        ),
        target,
      );
      expect(result.failed?.step).toBe('lxc');
      expect(result.failed?.error.message).toMatch(
        /net0 has no firewall=1 after setting it .*: its firewall rules would not apply/,
      );
    } finally {
      template.config.net0 = net0;
    }
    await expectNothingLeft();
  });

  /** Where each step is hit: a lab operation it calls (the route folder has its own switch). */
  const faultPoints: Record<ProvisionStepName, [string, string]> = {
    lxc: ['proxmox', 'proxmox.lxc.clone'],
    start: ['proxmox', 'proxmox.lxc.start'],
    ip: ['proxmox', 'proxmox.lxc.interfaces'],
    agent: ['guest', 'agent.ping'],
    portainer: ['portainer', 'portainer.endpoint.update'],
    registries: ['portainer', 'portainer.endpoint.registryAccess'],
    welcome: ['guest', 'docker.container.create'],
    route: ['route', 'put'],
    netbox: ['netbox', 'netbox.ipAddress.create'],
  };

  const cases = PROVISION_STEP_NAMES.flatMap(step =>
    (['fail', 'hang'] as const).map(kind => [step, kind] as const),
  );

  it.each(cases)(
    'a %s step that %ss is undone with everything before it, and a retry succeeds',
    async (step, kind) => {
      const [system, operation] = faultPoints[step];
      const action: FaultAction =
        kind === 'fail'
          ? { kind: 'fail', status: 500, reason: 'injected by the test' }
          : { kind: 'hang' };
      if (system === 'route') routeStore.fault = action;
      else controls()[system].injectFault({ operation, action });

      const result = await provision(steps, target);
      expect(result.failed?.step).toBe(step);
      expect(/timed out/.test(result.failed?.error.message ?? '')).toBe(
        kind === 'hang',
      );
      await expectNothingLeft();

      resetFaults();
      const retry = await provision(steps, target);
      expect(retry.failed).toBeUndefined();
      await expectProvisioned(retry.facts);
      await undoAll(steps, target, retry.facts);
      await expectNothingLeft();
    },
  );
});
