import { ConfigReader } from '@backstage/config';
import { labClientConfig, startLab, type Lab } from '@docker-env/lab';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ServerChannel } from 'ssh2';
import type { OperationStep, OperationTarget } from '../operations';
import { buildInstallDockerSteps } from '@docker-env/plugin-docker-env-node';
import { shellCommand } from '@docker-env/plugin-docker-env-node';
import {
  generateParsableKeyPair,
  startTestSshServer,
  type TestSshServer,
} from '@docker-env/lab-testing/clients/testSshServer';
import {
  buildProvisionSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
} from '.';
import { runStep, undoAll } from '@docker-env/lab-testing/workflows/driver';

const OS_TEMPLATE = 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
const AGENT_SECRET = 'agent-s3cret-$(id)';
const PID_LINE = /^echo __docker_env_pid=\$\$ && ([\s\S]*)$/;

const target: OperationTarget = {
  environmentId: 'env-os-template',
  name: 'os-template',
  owner: 'user:default/alice',
  cpuCores: 1,
  memoryMb: 1024,
  diskGb: 8,
};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

/**
 * The lab's guests have no SSH server: this one stands in for the sshd of a fresh Debian CT at the guest's address.
 * It answers the install procedure's commands as they succeed there, and the command that starts the Portainer agent
 * installs Docker and the agent into the lab's guest, so the agent answers afterwards.
 */
function guestSshd(o: {
  lab: Lab;
  vmid: number;
  ip: string;
  port: number;
  clientPublicKey: string;
  stdins: Map<string, string>;
}): Promise<TestSshServer> {
  const answer = async (command: string, stdin: string, ch: ServerChannel) => {
    ch.write('__docker_env_pid=4242\n');
    if (command.startsWith('docker version')) ch.write('27.3.1\n');
    if (command.includes('portainer/agent')) {
      o.stdins.set('agent', stdin);
      await o.lab.guests.installDocker(o.vmid);
    }
    ch.exit(0);
    ch.end();
  };
  return startTestSshServer({
    host: o.ip,
    port: o.port,
    username: 'root',
    clientPublicKey: o.clientPublicKey,
    onExec(line, ch) {
      const command = PID_LINE.exec(line)?.[1] ?? line;
      let stdin = '';
      ch.on('data', (d: Buffer) => (stdin += d.toString()));
      ch.on('end', () => void answer(command, stdin, ch));
    },
  });
}

/** The OS-template path: a CT from a Debian template, Docker and the agent installed over SSH, the host key pinned. */
describe('provisioning from an OS template against the lab', () => {
  let lab: Lab;
  let routesDir: string;
  let steps: OperationStep[];
  const clientKey = generateParsableKeyPair();
  let sshPort: number;
  const servers: TestSshServer[] = [];

  beforeAll(async () => {
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'os-template-'));
    sshPort = await freePort();
    const config = new ConfigReader({
      dockerEnv: {
        ...labClientConfig(lab, { routesDir, baseDomain: 'docker.localhost' }),
        ssh: {
          username: 'root',
          privateKey: clientKey.private,
          port: sshPort,
          connectTimeoutMs: 3000,
          timeoutMs: 5000,
        },
        provisioning: {
          agent: { scheme: 'http' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 8000]),
          ),
          source: {
            kind: 'osTemplate',
            ostemplate: OS_TEMPLATE,
            distro: 'debian',
            sshPublicKeys: [clientKey.public],
            agentSecret: AGENT_SECRET,
          },
        },
      },
    });
    const deps = ProvisioningDeps.fromConfig(config, {
      teams: async () => ({ name: 'alice', members: ['alice'] }),
    });
    steps = buildProvisionSteps(deps, readProvisioningConfig(config));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await lab?.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  it('creates the CT from the template, installs Docker and the agent over SSH with the host key pinned at first contact, and a changed host key is refused', async () => {
    const facts: Record<string, unknown> = {};
    const stdins = new Map<string, string>();
    const byName = (name: string) => steps.find(s => s.name === name)!;
    for (const name of ['lxc', 'start', 'ip'])
      Object.assign(facts, await runStep(byName(name), target, facts));
    const vmid = facts.vmid as number;
    expect(lab.proxmox.container(vmid)).toMatchObject({
      fromGoldenTemplate: false,
    });
    expect(
      [...lab.proxmox.state.tasks.values()].filter(t => t.type === 'vzclone'),
    ).toHaveLength(0);

    /** An sshd at the guest's address and SSH port, with a fresh host key. */
    const sshdAtGuest = async () => {
      const server = await guestSshd({
        lab,
        vmid,
        ip: facts.ip as string,
        port: sshPort,
        clientPublicKey: clientKey.public,
        stdins,
      });
      servers.push(server);
      return server;
    };
    const sshd = await sshdAtGuest();
    for (const name of PROVISION_STEP_NAMES.slice(3))
      Object.assign(facts, await runStep(byName(name), target, facts));

    // the pinned key is the guest's, and every install command ran there in order; the secret only on stdin
    expect(facts.hostKeySha256).toBe(sshd.fingerprint);
    const expected = buildInstallDockerSteps({
      distro: 'debian',
      portainerAgent: {
        environmentId: target.environmentId,
        port: 9001,
        secret: AGENT_SECRET,
      },
    }).map(s => shellCommand(s.command));
    expect(sshd.commands.map(c => PID_LINE.exec(c)?.[1])).toEqual(expected);
    expect(sshd.commands.join('\n')).not.toContain('s3cret');
    expect(stdins.get('agent')).toBe(`${AGENT_SECRET}\n`);
    // the rest of the way: Portainer reaches the agent, the welcome page answers
    expect(
      lab.portainer.state.endpoints.find(e => e.Id === facts.endpointId)?.URL,
    ).toBe(`tcp://${facts.ip}:9001`);
    expect((await fetch(`http://${facts.ip}:8080/`)).status).toBe(200);

    // another host at the guest's address (a new key): the agent step, run again, refuses it before any command
    await sshd.close();
    const impostor = await sshdAtGuest();
    await expect(runStep(byName('agent'), target, facts)).rejects.toThrow(
      /host key/i,
    );
    expect(impostor.commands).toEqual([]);

    await undoAll(steps, target, facts);
    expect(lab.proxmox.container(vmid)).toBeUndefined();
  });
});
