import { InputError } from '@backstage/errors';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildInstallDockerSteps, installDocker } from './installDocker';
import { shellCommand } from './shellQuote';
import type { SshRunOptions, SshSession } from './types';

describe('buildInstallDockerSteps', () => {
  it('builds the documented Docker CE apt procedure for debian', () => {
    const steps = buildInstallDockerSteps({ distro: 'debian' });
    expect(steps.map(s => s.name)).toEqual([
      'apt-update',
      'install-prerequisites',
      'create-keyring-dir',
      'fetch-docker-key',
      'keyring-readable',
      'add-docker-repository',
      'apt-update-docker',
      'install-docker',
      'enable-docker',
      'docker-version',
    ]);
    const lines = steps.map(s => shellCommand(s.command));
    expect(lines[3]).toBe(
      "curl -fsSL --proto '=https,http' -o /etc/apt/keyrings/docker.asc https://download.docker.com/linux/debian/gpg",
    );
    expect(lines[7]).toBe(
      'env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 install docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin',
    );
    expect(lines[9]).toBe("docker version --format '{{.Server.Version}}'");
  });

  it('passes the repository to the sources script as a positional parameter, not as script text', async () => {
    const step = buildInstallDockerSteps({
      distro: 'ubuntu',
      repositoryUrl: 'https://mirror.example.com/docker/ubuntu',
    }).find(s => s.name === 'add-docker-repository')!;
    expect(step.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(step.command[2]).not.toContain('mirror.example.com');
    expect(step.command.slice(3)).toEqual([
      'sh',
      'https://mirror.example.com/docker/ubuntu',
      '/etc/apt/keyrings/docker.asc',
    ]);
    // run the script locally against a fake root to see the line it writes
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'install-docker-'));
    try {
      const script = step.command[2]
        .replace('/etc/os-release', `${root}/os-release`)
        .replace('/etc/apt/sources.list.d/docker.list', `${root}/docker.list`)
        .replace('$(dpkg --print-architecture)', 'amd64');
      await fs.writeFile(`${root}/os-release`, 'VERSION_CODENAME=noble\n');
      execFileSync('/bin/sh', ['-c', script, ...step.command.slice(3)]);
      expect(await fs.readFile(`${root}/docker.list`, 'utf8')).toBe(
        'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://mirror.example.com/docker/ubuntu noble stable\n',
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('adds docker users and the Portainer agent, passing its secret on stdin, never in argv', () => {
    const secret = 's3cr3t-Value!$(id)';
    const steps = buildInstallDockerSteps({
      distro: 'debian',
      dockerUsers: ['deploy'],
      portainerAgent: { environmentId: 'env-1', tag: '2.21.4', secret },
    });
    expect(
      shellCommand(steps.find(s => s.name === 'docker-group-0')!.command),
    ).toBe('usermod -aG docker deploy');
    const agent = steps.find(s => s.name === 'start-portainer-agent')!;
    expect(agent.sensitive).toBe(true);
    expect(agent.stdin).toBe(`${secret}\n`);
    expect(JSON.stringify(agent.command)).not.toContain('s3cr3t');
    expect(shellCommand(agent.command)).toMatch(
      /^sh -c 'IFS= read -r AGENT_SECRET && export AGENT_SECRET && exec "\$@"' sh sh -c .* sh env-1 .* docker run -d --name portainer_agent --restart=always --label io\.docker-env\.environment=env-1 --label io\.docker-env\.managed-by=docker-env -p 9001:9001 -e AGENT_SECRET -v \/var\/run\/docker\.sock:\/var\/run\/docker\.sock -v \/var\/lib\/docker\/volumes:\/var\/lib\/docker\/volumes portainer\/agent:2\.21\.4$/,
    );
    // the wrapper really exports the secret, verbatim, to the program it execs
    const wrapper = agent.command.slice(0, 4);
    const seen = execFileSync(
      wrapper[0],
      [...wrapper.slice(1), 'printenv', 'AGENT_SECRET'],
      {
        input: agent.stdin,
        env: {},
      },
    ).toString();
    expect(seen).toBe(`${secret}\n`);
  });

  describe('the agent step looks before it runs', () => {
    let bin: string;
    let log: string;
    beforeAll(async () => {
      bin = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-docker-'));
      log = path.join(bin, 'calls.log');
      // a docker CLI stand-in: `inspect` answers the label in $FAKE_LABEL (absent: exit 1)
      await fs.writeFile(
        path.join(bin, 'docker'),
        [
          '#!/bin/sh',
          `echo "$*" >> ${log}`,
          'if [ "$1" = container ] && [ "$2" = inspect ]; then',
          '  [ -n "${FAKE_LABEL-}" ] || exit 1',
          '  echo "$FAKE_LABEL"; exit 0',
          'fi',
          'exit 0',
        ].join('\n'),
        { mode: 0o755 },
      );
    });
    afterAll(() => fs.rm(bin, { recursive: true, force: true }));

    const runAgentStep = (label: string | undefined) => {
      const agent = buildInstallDockerSteps({
        distro: 'debian',
        portainerAgent: { environmentId: 'env-1' },
      }).find(s => s.name === 'start-portainer-agent')!;
      expect(agent.sensitive).toBeUndefined();
      expect(agent.stdin).toBeUndefined();
      return spawnSync(agent.command[0], agent.command.slice(1), {
        env: {
          PATH: `${bin}:/usr/bin:/bin`,
          ...(label !== undefined ? { FAKE_LABEL: label } : {}),
        },
      });
    };
    const calls = async () => {
      const text = await fs.readFile(log, 'utf8').catch(() => '');
      await fs.rm(log, { force: true });
      return text.trim().split('\n');
    };

    it('runs a labelled agent when there is none', async () => {
      expect(runAgentStep(undefined).status).toBe(0);
      const [inspect, run] = await calls();
      expect(inspect).toBe(
        'container inspect -f {{index .Config.Labels "io.docker-env.environment"}} portainer_agent',
      );
      expect(run).toBe(
        'run -d --name portainer_agent --restart=always --label io.docker-env.environment=env-1 --label io.docker-env.managed-by=docker-env -p 9001:9001 -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/docker/volumes:/var/lib/docker/volumes portainer/agent:latest',
      );
    });

    it('keeps (starts) our own agent on a second run', async () => {
      expect(runAgentStep('env-1').status).toBe(0);
      expect((await calls())[1]).toBe('start portainer_agent');
    });

    it('refuses a portainer_agent that is not ours', async () => {
      for (const label of ['<no value>', 'env-2']) {
        const result = runAgentStep(label);
        expect(result.status).toBe(3);
        expect(result.stderr.toString()).toContain(
          'container portainer_agent exists and is not ours',
        );
        expect(await calls()).toHaveLength(1);
      }
    });
  });

  it.each([
    [{ distro: 'arch' }],
    [{ distro: 'debian', repositoryUrl: 'https://x.com/a;rm -rf /' }],
    [{ distro: 'debian', repositoryUrl: 'ftp://x.com/' }],
    [{ distro: 'debian', dockerUsers: ['root; reboot'] }],
    [{ distro: 'debian', portainerAgent: { image: 'portainer/agent $(id)' } }],
    [{ distro: 'debian', portainerAgent: { tag: 'latest;reboot' } }],
    [{ distro: 'debian', portainerAgent: { secret: 'has space inside' } }],
    [{ distro: 'debian', portainerAgent: { port: 0 } }],
    [{ distro: 'debian', portainerAgent: {} }],
    [{ distro: 'debian', portainerAgent: { environmentId: 'Env 1; reboot' } }],
  ])('refuses %j', opts => {
    expect(() => buildInstallDockerSteps(opts as never)).toThrow(InputError);
  });
});

describe('installDocker', () => {
  it('runs the steps in order with step labels and stops at the first failure', async () => {
    const ran: Array<{ command: string[]; options?: SshRunOptions }> = [];
    const session = {
      run: async (command: string[], options?: SshRunOptions) => {
        ran.push({ command, options });
        if (options?.label === 'install-docker') throw new Error('apt failed');
        return { stdout: '', stderr: '', code: 0 };
      },
    } as unknown as SshSession;
    const progress: string[] = [];
    await expect(
      installDocker(session, { distro: 'debian' }, n => progress.push(n)),
    ).rejects.toThrow('apt failed');
    expect(ran.map(r => r.options?.label)).toEqual(progress);
    expect(progress[progress.length - 1]).toBe('install-docker');
    expect(progress).not.toContain('enable-docker');
  });

  it("sends the agent secret as the agent step's stdin only", async () => {
    const ran: Array<{ command: string[]; options?: SshRunOptions }> = [];
    const session = {
      run: async (command: string[], options?: SshRunOptions) => {
        ran.push({ command, options });
        return {
          stdout: options?.label === 'docker-version' ? '27.3.1\n' : '',
          stderr: '',
          code: 0,
        };
      },
    } as unknown as SshSession;
    const result = await installDocker(session, {
      distro: 'debian',
      portainerAgent: { environmentId: 'env-1', secret: 'agent-secret-1' },
    });
    expect(result.dockerVersion).toBe('27.3.1');
    const withStdin = ran.filter(r => r.options?.stdin !== undefined);
    expect(withStdin.map(r => r.options?.label)).toEqual([
      'start-portainer-agent',
    ]);
    expect(withStdin[0].options?.stdin).toBe('agent-secret-1\n');
    expect(JSON.stringify(ran.map(r => r.command))).not.toContain(
      'agent-secret-1',
    );
  });
});
