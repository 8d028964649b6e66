// Test-only helpers (not exported from the package): a tiny step driver and lab snapshots.
import { mockServices } from '@backstage/backend-test-utils';
import type { Lab } from '@docker-env/lab';
import fs from 'node:fs/promises';
import type {
  OperationStep,
  OperationTarget,
} from '@docker-env/plugin-docker-env-workflows-node';

/** Runs one step with its timeout, as the runner does: the signal aborts and the step fails past it. */
export async function runStep(
  step: OperationStep,
  target: OperationTarget,
  facts: Record<string, unknown>,
  kind: 'run' | 'undo' = 'run',
): Promise<Record<string, unknown> | void> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(
        `step ${step.name} timed out after ${step.timeoutMs} ms`,
      );
      ac.abort(err);
      reject(err);
    }, step.timeoutMs);
  });
  const ctx = {
    target,
    facts,
    signal: ac.signal,
    logger: mockServices.logger.mock(),
  };
  try {
    return await Promise.race([
      kind === 'run' ? step.run(ctx) : step.undo?.(ctx),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome of {@link provision}. */
export interface DriveResult {
  facts: Record<string, unknown>;
  failed?: { step: string; error: Error };
}

/**
 * Runs the steps in order; on a failure undoes the failed step (it may have half-finished) and
 * then the finished ones in reverse order. Only for tests: the real runner is the backend's.
 */
export async function provision(
  steps: OperationStep[],
  target: OperationTarget,
  initialFacts: Record<string, unknown> = {},
): Promise<DriveResult> {
  const facts = { ...initialFacts };
  const started: OperationStep[] = [];
  for (const step of steps) {
    started.push(step);
    try {
      Object.assign(facts, (await runStep(step, target, facts)) ?? {});
    } catch (error) {
      await undoAll(started, target, facts);
      return { facts, failed: { step: step.name, error: error as Error } };
    }
  }
  return { facts };
}

/** Undoes the steps in reverse order. */
export async function undoAll(
  steps: OperationStep[],
  target: OperationTarget,
  facts: Record<string, unknown>,
): Promise<void> {
  for (const step of [...steps].reverse())
    await runStep(step, target, facts, 'undo');
}

/** What the lab and the route folder hold, without timestamps, digests and counters. */
export async function labSnapshot(lab: Lab, routesDir: string) {
  const pve = [...lab.proxmox.state.containers.values()]
    .filter(c => !c.config.template)
    .map(c => ({
      vmid: c.vmid,
      status: c.status,
      config: Object.fromEntries(
        Object.entries(c.config).filter(([k]) => k !== 'digest'),
      ),
      firewall: c.firewall,
    }));
  const pt = lab.portainer.state;
  const nb = lab.netbox.state;
  const strip = <T extends object>(o: T) =>
    Object.fromEntries(
      Object.entries(o).filter(
        ([k]) => k !== 'last_updated' && k !== 'created',
      ),
    );
  const files: Record<string, string> = {};
  for (const f of await fs.readdir(routesDir))
    files[f] = await fs.readFile(`${routesDir}/${f}`, 'utf8');
  return {
    pve,
    portainer: {
      endpoints: pt.endpoints.map(e => ({
        Id: e.Id,
        Name: e.Name,
        URL: e.URL,
        TagIds: e.TagIds,
        TeamAccessPolicies: e.TeamAccessPolicies,
      })),
      teams: pt.teams,
      memberships: pt.memberships,
      tags: (pt as any).tags ?? [],
    },
    netbox: {
      vms: nb.virtualMachines.map(strip),
      interfaces: nb.interfaces.map(strip),
      ips: nb.ipAddresses.map(strip),
    },
    guests: lab.guests.state.guests.map(g => ({
      vmid: g.vmid,
      running: g.running,
      containers: g.docker.containers.map(c => ({
        Id: c.Id,
        Name: c.Name,
        Running: c.State.Running,
      })),
    })),
    files,
  };
}
