import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { startLab, type Lab } from '@docker-env/lab';
import {
  PROVISION_STEP_NAMES,
  type OperationStep,
} from '@docker-env/plugin-docker-env-workflows-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { startDockerEnvTestBackend } from '@docker-env/lab-testing/backend/backend';
import {
  labDockerEnvConfig,
  labHoldings,
} from '@docker-env/lab-testing/backend/provisioningLab';
import { dockerEnvProvisioningExtensionPoint } from './extensionPoint';

jest.setTimeout(120_000);

const API = '/api/docker-env';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/**
 * A platform team's module: its own team resolver (no catalog) and a step of its own after the built-in ones, which
 * records a CMDB id and fails while `cmdbDown` is set.
 */
function platformModule(log: string[], state: { cmdbDown: boolean }) {
  const cmdb: OperationStep = {
    name: 'cmdb',
    timeoutMs: 5_000,
    async run(ctx) {
      log.push(`run cmdb ${ctx.target.name} vmid ${ctx.facts.vmid}`);
      if (state.cmdbDown) throw new Error('cmdb down');
      return { cmdbId: `ci-${ctx.target.name}` };
    },
    async undo(ctx) {
      log.push(`undo cmdb ${ctx.target.name}`);
    },
  };
  return createBackendModule({
    pluginId: 'docker-env',
    moduleId: 'platform-team',
    register(env) {
      env.registerInit({
        deps: { provisioning: dockerEnvProvisioningExtensionPoint },
        async init({ provisioning }) {
          provisioning.setTeamResolver(async owner => {
            log.push(`team of ${owner}`);
            return { members: ['bob'] };
          });
          provisioning.addProvisioningSteps(cmdb);
        },
      });
    },
  });
}

describe('the provisioning extension point', () => {
  let lab: Lab;
  let routesDir: string;
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startDockerEnvTestBackend>>;
  const log: string[] = [];
  const state = { cmdbDown: false };

  beforeAll(async () => {
    lab = await startLab({ latencyScale: 0 });
    routesDir = await fs.mkdtemp(path.join(os.tmpdir(), 'extension-routes-'));
    knex = await databases.init('SQLITE_3');
    const dockerEnv = labDockerEnvConfig(lab, routesDir, {
      stepTimeoutMs: 5_000,
      pollIntervalMs: 10,
    });
    backend = await startDockerEnvTestBackend({
      knex,
      config: {
        dockerEnv: {
          ...dockerEnv,
          runner: { enabled: true, pollIntervalMs: 20, leaseSeconds: 10 },
        },
      },
      features: [platformModule(log, state)],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await lab?.stop();
    await fs.rm(routesDir, { recursive: true, force: true });
  });

  async function provision(name: string) {
    const res = await request(backend.server)
      .post(`${API}/environments`)
      .set('Authorization', mockCredentials.user.header('user:default/alice'))
      .send({ name, owner: 'group:default/team-a', size: 'S' });
    expect(res.status).toBe(202);
    for (let i = 0; i < 1500; i++) {
      const env = await knex('environments').where({ name }).first();
      if (env.status !== 'provisioning') {
        const op = await knex('operations')
          .where({ environment_id: env.id, kind: 'provision' })
          .first();
        const steps = await knex('operation_steps')
          .where({ operation_id: op.id })
          .orderBy('position');
        return { env, op, steps };
      }
      await new Promise(r => setTimeout(r, 20));
    }
    throw new Error(`${name} still provisioning`);
  }

  it("runs the module's step after the built-in ones, with the module's team", async () => {
    const { env, op, steps } = await provision('ext-ok');
    expect(env.status).toBe('ready');
    expect(steps.map(s => s.name)).toEqual([...PROVISION_STEP_NAMES, 'cmdb']);
    expect(JSON.parse(op.result).cmdbId).toBe('ci-ext-ok');
    expect(log).toEqual([
      'team of group:default/team-a',
      `run cmdb ext-ok vmid ${env.vmid}`,
    ]);
    // the team is named by the owner's whole ref; the module's resolver gives its members
    const team = lab.portainer.state.teams.find(
      t => t.Name === 'docker-env-group:default/team-a',
    )!;
    const bob = lab.portainer.state.users.find(u => u.Username === 'bob')!;
    expect(
      lab.portainer.state.memberships
        .filter(m => m.TeamID === team.Id)
        .map(m => m.UserID),
    ).toEqual([bob.Id]);
  });

  it("rolls the built-in steps back when the module's step fails", async () => {
    log.length = 0;
    state.cmdbDown = true;
    try {
      const { env, steps } = await provision('ext-down');
      expect(env.status).toBe('failed');
      expect(env.status_reason).toMatch(/cmdb down/);
      // the failed step is undone first (its undo must be safe after a run that never finished), then the others
      expect(steps.map(s => `${s.name} ${s.status}`).slice(-2)).toEqual([
        'netbox undone',
        'cmdb undone',
      ]);
      expect(log[0]).toBe('team of group:default/team-a');
      expect(log).toContainEqual(
        expect.stringMatching(/^run cmdb ext-down vmid \d+$/),
      );
      expect(log).toContain('undo cmdb ext-down');
    } finally {
      state.cmdbDown = false;
    }
    const held = await labHoldings(lab, routesDir);
    expect(held.endpoints).toEqual(['ext-ok']);
    expect(held.netboxVms).toEqual(['ext-ok']);
    expect(held.cts).toHaveLength(1);
  });
});
