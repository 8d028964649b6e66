import { ConfigReader } from '@backstage/config';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { startLab, type Lab } from '@docker-env/lab';
import {
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
} from '@docker-env/plugin-docker-env-workflows-node';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { createLxcCreateAction } from './lxcCreate';
import { examples as lxcExamples } from './lxcCreate.examples';
import { createNetboxRegisterAction } from './netboxRegister';
import { examples as netboxExamples } from './netboxRegister.examples';
import { createPortainerRegisterAction } from './portainerRegister';
import { examples as portainerExamples } from './portainerRegister.examples';
import { createRouteWriteAction } from './routeWrite';
import { examples as routeExamples } from './routeWrite.examples';
import { UNMANAGED_TAG, type FineActionOptions } from './shared';

const admin = mockCredentials.user('user:default/ada');
const developer = mockCredentials.user('user:default/dev');

/** Allows docker-env.admin to ada only. */
const permissions: PermissionsService = {
  authorize: async (requests, { credentials }) =>
    requests.map(() => ({
      result:
        (credentials.principal as any).userEntityRef === 'user:default/ada'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
  authorizeConditional: async () => {
    throw new Error('not used');
  },
} as PermissionsService;

/** A task context started by `credentials` (the mock ignores these options, so they are set after). */
function context(input: any, credentials: typeof admin, isDryRun = false) {
  const ctx: any = createMockActionContext({ input });
  ctx.getInitiatorCredentials = async () => credentials;
  ctx.isDryRun = isDryRun;
  jest.spyOn(ctx.logger, 'info');
  return ctx;
}

function exampleInput(examples: typeof lxcExamples, i = 0) {
  return yaml.parse(examples[i].example).steps[0].input;
}

describe('fine-grained actions against the lab', () => {
  let lab: Lab;
  let routesDir: string;
  let config: ConfigReader;
  let built = 0;
  let opts: FineActionOptions;
  const auditor = mockServices.auditor.mock();
  /** The docker-env backend's `GET /names/{name}`, answering `taken` for these names. */
  const heldNames = new Set<string>();
  let namesServer: http.Server;

  beforeAll(async () => {
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fine-routes-'));
    config = new ConfigReader({
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
        provisioning: {
          agent: { scheme: 'http' },
          publicPort: 18000,
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 5000]),
          ),
        },
      },
    });
    namesServer = http.createServer((req, res) => {
      const name = decodeURIComponent(
        req.url!.replace(/^\/api\/docker-env\/names\//, ''),
      );
      const taken = heldNames.has(name);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          name,
          available: !taken,
          reason: taken ? 'taken' : null,
          message: taken
            ? `name: "${name}" is taken by another environment`
            : null,
        }),
      );
    });
    await new Promise<void>(r => namesServer.listen(0, '127.0.0.1', r));
    const namesUrl = `http://127.0.0.1:${
      (namesServer.address() as AddressInfo).port
    }/api/docker-env`;
    opts = {
      config,
      permissions,
      auditor,
      auth: mockServices.auth(),
      discovery: {
        getBaseUrl: async () => namesUrl,
        getExternalBaseUrl: async () => namesUrl,
      },
      deps: () => {
        built++;
        return ProvisioningDeps.fromConfig(config);
      },
    };
  });

  afterAll(async () => {
    await new Promise(r => namesServer?.close(r));
    await lab?.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    built = 0;
    auditor.createEvent.mockClear();
  });

  const pveCts = () =>
    [...lab.proxmox.state.containers.values()].map(c => c.vmid).sort();

  describe('docker-env:lxc:create', () => {
    it('runs its example: a CT marked ours and unmanaged, audited', async () => {
      const action = createLxcCreateAction(opts);
      const ctx = context(exampleInput(lxcExamples), admin);
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith('vmid', expect.any(Number));
      const deps = ProvisioningDeps.fromConfig(config);
      const found = await deps.proxmox.findContainer({
        hostname: 'ci-runner-1',
      });
      expect(found).toBeDefined();
      expect(found!.tags).toEqual(
        expect.arrayContaining([
          'docker-env',
          'docker-env-ci-runner-1',
          UNMANAGED_TAG,
        ]),
      );
      expect(await deps.proxmox.isOurs(found!, 'ci-runner-1')).toBe(true);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'docker-env-lxc-create' }),
      );
    });

    it('refuses a user without docker-env.admin in one line and creates nothing', async () => {
      const action = createLxcCreateAction(opts);
      const ctx = context(
        { ...exampleInput(lxcExamples), name: 'denied-ct' },
        developer,
      );
      const err = await action.handler(ctx as any).catch(e => e);
      expect(err.name).toBe('NotAllowedError');
      expect(err.message).toBe(
        'docker-env:lxc:create needs the docker-env.admin permission, which the user who started this task does not have',
      );
      expect(built).toBe(0);
      expect(auditor.createEvent).not.toHaveBeenCalled();
      const deps = ProvisioningDeps.fromConfig(config);
      expect(
        await deps.proxmox.findContainer({ hostname: 'denied-ct' }),
      ).toBeUndefined();
    });

    it('dry run: checks and logs, calls nothing', async () => {
      const action = createLxcCreateAction(opts);
      const ctx = context(
        { ...exampleInput(lxcExamples), name: 'dry-ct' },
        admin,
        true,
      );
      const before = JSON.stringify(pveCts());
      await action.handler(ctx as any);
      expect(built).toBe(0);
      expect(ctx.output).not.toHaveBeenCalled();
      expect(JSON.stringify(pveCts())).toBe(before);
      expect(ctx.logger.info).toHaveBeenCalledWith(
        expect.stringContaining('dry run: would create CT "dry-ct"'),
      );
    });
  });

  describe('docker-env:route:write', () => {
    it('runs its example: the route file, audited', async () => {
      const action = createRouteWriteAction(opts);
      const ctx = context(exampleInput(routeExamples), admin);
      await action.handler(ctx as any);
      expect(ctx.output).toHaveBeenCalledWith(
        'url',
        'http://ci-runner-1.docker.localhost:18000',
      );
      const files = await fs.readdir(routesDir);
      expect(files).toHaveLength(1);
      const text = await fs.readFile(path.join(routesDir, files[0]), 'utf8');
      expect(text).toContain('http://10.10.0.50:8080');
      // marked as the unmanaged route's own (its name as id): the same action may write it again
      expect(text).toContain('# docker-env-environment: ci-runner-1\n');
      await action.handler(context(exampleInput(routeExamples), admin) as any);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'docker-env-route-write' }),
      );
    });

    it('refuses a host an environment holds, and any route file not marked as its own, writing nothing', async () => {
      const action = createRouteWriteAction(opts);
      heldNames.add('shop');
      try {
        const ctx = context(
          { ...exampleInput(routeExamples), name: 'shop' },
          admin,
        );
        await expect(action.handler(ctx as any)).rejects.toThrow(
          'docker-env:route:write: the host shop.docker.localhost is held by environment shop; this action writes only routes of hosts no environment holds',
        );
      } finally {
        heldNames.delete('shop');
      }
      expect(await fs.readdir(routesDir)).not.toContain('dockerenv_shop.yml');
      // a file an environment's writer left (marked with its id) is refused by the route writer
      const file = path.join(routesDir, 'dockerenv_kept.yml');
      const kept =
        '# docker-env-environment: a0000000-0000-4000-8000-00000000000a\nhttp:\n  routers:\n    x:\n      rule: Host(`kept.docker.localhost`)\n      service: x@file\n';
      await fs.writeFile(file, kept);
      const ctx = context(
        { ...exampleInput(routeExamples), name: 'kept' },
        admin,
      );
      await expect(action.handler(ctx as any)).rejects.toThrow(
        'route file dockerenv_kept.yml is marked for environment a0000000-0000-4000-8000-00000000000a: it was not overwritten for environment kept',
      );
      expect(await fs.readFile(file, 'utf8')).toBe(kept);
      await fs.rm(file);
    });

    it('refuses a user without docker-env.admin and writes nothing', async () => {
      const action = createRouteWriteAction(opts);
      const ctx = context(
        { ...exampleInput(routeExamples), name: 'denied-route' },
        developer,
      );
      await expect(action.handler(ctx as any)).rejects.toThrow(
        /^docker-env:route:write needs the docker-env.admin permission/,
      );
      expect(built).toBe(0);
      expect(
        (await fs.readdir(routesDir)).filter(f => f.includes('denied')),
      ).toEqual([]);
    });

    it('dry run: writes nothing', async () => {
      const action = createRouteWriteAction(opts);
      const ctx = context(
        { ...exampleInput(routeExamples), name: 'dry-route' },
        admin,
        true,
      );
      await action.handler(ctx as any);
      expect(built).toBe(0);
      expect(
        (await fs.readdir(routesDir)).filter(f => f.includes('dry')),
      ).toEqual([]);
    });
  });

  describe('docker-env:netbox:register', () => {
    const vms = () => lab.netbox.state.virtualMachines as any[];

    it('runs its example: the VM tagged ours and unmanaged, audited', async () => {
      const action = createNetboxRegisterAction(opts);
      const ctx = context(exampleInput(netboxExamples), admin);
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('netboxVmId', expect.any(Number));
      const deps = ProvisioningDeps.fromConfig(config);
      const vm = (
        await deps.netbox.listVirtualMachines({ tag: UNMANAGED_TAG })
      ).find(v => v.name === 'ci-runner-1')!;
      expect(vm.tags).toEqual(
        expect.arrayContaining(['docker-env', UNMANAGED_TAG]),
      );
      expect(vm.primaryIp4?.address).toBe('10.10.0.50/24');
      expect(vm.customFields.proxmox_vmid).toBe(150);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'docker-env-netbox-register' }),
      );
    });

    it('refuses a user without docker-env.admin and records nothing', async () => {
      const before = vms().length;
      const action = createNetboxRegisterAction(opts);
      const ctx = context(
        { ...exampleInput(netboxExamples), name: 'denied-vm' },
        developer,
      );
      await expect(action.handler(ctx)).rejects.toThrow(
        /^docker-env:netbox:register needs the docker-env.admin permission/,
      );
      expect(built).toBe(0);
      expect(vms().length).toBe(before);
    });

    it('dry run: records nothing', async () => {
      const before = vms().length;
      const action = createNetboxRegisterAction(opts);
      const ctx = context(
        { ...exampleInput(netboxExamples), name: 'dry-vm' },
        admin,
        true,
      );
      await action.handler(ctx);
      expect(built).toBe(0);
      expect(vms().length).toBe(before);
    });
  });

  describe('docker-env:portainer:register', () => {
    const endpoints = () => lab.portainer.state.endpoints as any;

    it('runs its example: the environment tagged ours and unmanaged, audited', async () => {
      // the lab's Portainer asks the agent: start the CT the lxc:create example made
      const deps0 = ProvisioningDeps.fromConfig(config);
      const found = (await deps0.proxmox.findContainer({
        hostname: 'ci-runner-1',
      }))!;
      const ct = deps0.proxmox.forNode(found.node);
      await ct.waitForTask(await ct.start(found.vmid), {});
      const ip = await ct.waitForIp(found.vmid, {
        intervalMs: 10,
        timeoutMs: 5000,
      });
      const action = createPortainerRegisterAction(opts);
      const ctx = context({ ...exampleInput(portainerExamples), ip }, admin);
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('endpointId', expect.any(Number));
      const deps = ProvisioningDeps.fromConfig(config);
      const [endpoint] = await deps.portainer.listEndpoints({
        name: 'ci-runner-1',
      });
      const tags = await deps.portainer.listTags();
      const names = endpoint.tagIds.map(
        id => tags.find(t => t.id === id)?.name,
      );
      expect(names).toEqual(
        expect.arrayContaining([
          'docker-env',
          'docker-env-ci-runner-1',
          UNMANAGED_TAG,
        ]),
      );
      // the team is named by the owner's whole ref
      const team = (await deps.portainer.listTeams()).find(
        t => t.name === 'docker-env-group:default/team-a',
      );
      expect(team).toBeDefined();
      expect(endpoint.teamAccess[team!.id]).toBe(1);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({ eventId: 'docker-env-portainer-register' }),
      );
    });

    it('refuses a user without docker-env.admin and registers nothing', async () => {
      const before = JSON.stringify(endpoints());
      const action = createPortainerRegisterAction(opts);
      const ctx = context(
        { ...exampleInput(portainerExamples), name: 'denied-ep' },
        developer,
      );
      await expect(action.handler(ctx)).rejects.toThrow(
        /^docker-env:portainer:register needs the docker-env.admin permission/,
      );
      expect(built).toBe(0);
      expect(JSON.stringify(endpoints())).toBe(before);
    });

    it('dry run: registers nothing', async () => {
      const before = JSON.stringify(endpoints());
      const action = createPortainerRegisterAction(opts);
      const ctx = context(
        { ...exampleInput(portainerExamples), name: 'dry-ep' },
        admin,
        true,
      );
      await action.handler(ctx);
      expect(built).toBe(0);
      expect(JSON.stringify(endpoints())).toBe(before);
    });
  });
});
