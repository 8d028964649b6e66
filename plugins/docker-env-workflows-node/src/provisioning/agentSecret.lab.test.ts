import { ConfigReader } from '@backstage/config';
import { labClientConfig, startLab, type Lab } from '@docker-env/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { OperationTarget } from '../operations';
import {
  buildProvisionSteps,
  PROVISION_STEP_NAMES,
  ProvisioningDeps,
  readProvisioningConfig,
} from '.';
import {
  labSnapshot,
  provision,
} from '@docker-env/lab-testing/workflows/driver';

jest.setTimeout(60_000);

const target: OperationTarget = {
  environmentId: 'env-agent-secret',
  name: 'agent-secret',
  owner: 'group:default/team-a',
  cpuCores: 1,
  memoryMb: 1024,
  diskGb: 8,
};

/**
 * The TLS lab with a golden template built for another Portainer (its agents carry another AGENT_SECRET): the clients
 * verify every certificate (the lab's CAs trusted as NODE_EXTRA_CA_CERTS would), and provisioning fails at
 * `portainer` naming AGENT_SECRET, everything undone.
 */
// NOT UNDERSTOOD: one clean-clone run failed here once with OpenSSL's "asn1 encoding routines::illegal padding"
// (not reproduced in 11 runs; the certificates' serials were made minimal DER since). One retry, logged, until the
// cause is found: a real fault fails both tries.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('provisioning against a TLS lab whose template has another AGENT_SECRET', () => {
  let lab: Lab;
  let dir: string;
  const defaultCas = tls.getCACertificates('default');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'agent-secret-'));
    lab = await startLab({
      latencyScale: 0,
      tls: {
        caDir: path.join(dir, 'ca'),
        agentSecret: 'the-portainer-secret',
        guestAgentSecret: 'a-template-for-another-portainer',
      },
    });
    const bundle = await fs.readFile(lab.tls!.caFiles.bundle, 'utf8');
    tls.setDefaultCACertificates([
      ...defaultCas,
      ...bundle.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean),
    ]);
    await fs.mkdir(path.join(dir, 'routes'));
  });
  afterAll(async () => {
    tls.setDefaultCACertificates(defaultCas);
    await lab?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('fails at the portainer step naming AGENT_SECRET, and leaves nothing', async () => {
    const routesDir = path.join(dir, 'routes');
    const config = new ConfigReader({
      dockerEnv: {
        ...labClientConfig(lab, { routesDir, baseDomain: 'docker.localhost' }),
        provisioning: {
          agent: { scheme: 'https' },
          pollIntervalMs: 10,
          timeouts: Object.fromEntries(
            PROVISION_STEP_NAMES.map(n => [n, 8000]),
          ),
        },
      },
    });
    const deps = ProvisioningDeps.fromConfig(config, {
      teams: async () => ({ name: 'team-a', members: [] }),
    });
    const before = structuredClone(await labSnapshot(lab, routesDir));
    const result = await provision(
      buildProvisionSteps(deps, readProvisioningConfig(config)),
      target,
    );
    expect(result.failed?.step).toBe('portainer');
    expect(result.failed?.error.message).toMatch(
      /AGENT_SECRET \(set in the golden template\) differs from Portainer's AGENT_SECRET/,
    );
    // the CT was cloned and its agent answered the (unsigned) ping over TLS before Portainer was refused
    expect(result.facts.vmid).toEqual(expect.any(Number));
    expect(lab.proxmox.container(result.facts.vmid as number)).toBeUndefined();
    const after = await labSnapshot(lab, routesDir);
    // only the shared `docker-env` marker tag stays (every environment of ours carries it)
    expect(after.portainer.tags.map((t: { Name: string }) => t.Name)).toEqual([
      'docker-env',
    ]);
    const withoutTags = (s: typeof after) => ({
      ...s,
      portainer: { ...s.portainer, tags: [] },
      guests: [],
    });
    expect(withoutTags(after)).toEqual(withoutTags(before));
    expect(lab.portainer.state.endpoints).toEqual([]);
  });
});
