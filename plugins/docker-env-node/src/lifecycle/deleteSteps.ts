import { ConflictError } from '@backstage/errors';
import { UpstreamApiError } from '../errors';
import type { OperationStep, StepContext } from '../operations';
import { idFact, optionalIdFact } from './facts';
import { currentIp, dockerAt, ourCt, runTask, type StepEnv } from './guest';
import { environmentRouteIds } from './routes';
import { stepTimeouts } from './timeouts';

/** NetBox's limit for VM names. */
const NETBOX_NAME_MAX = 64;

/** The name a deleted environment's NetBox VM gets, so the environment name can be used again. */
export function decommissionedVmName(
  name: string,
  environmentId: string,
): string {
  const keep = NETBOX_NAME_MAX - environmentId.length - 1;
  return `${name.slice(0, Math.max(1, keep))}-${environmentId}`.slice(
    0,
    NETBOX_NAME_MAX,
  );
}

/** The notes of the final backup: how a later run (and an admin) finds it. */
export function finalBackupNotes(ctx: StepContext): string {
  return `docker-env final backup of ${ctx.target.name} (environment ${ctx.target.environmentId})`;
}

const isNotFound = (e: unknown) =>
  e instanceof UpstreamApiError && e.status === 404;

/**
 * Delete: a final backup (vzdump into the configured storage), then every route, the containers, the Portainer
 * environment and team access, the CT; the NetBox VM is set `decommissioning` and renamed with the environment id.
 * Each step finds its work done when it is; delete rolls forward (a retry finishes it), nothing is undone.
 */
export function deleteSteps(env: StepEnv): OperationStep[] {
  const t = stepTimeouts(env.config);
  const { deps, config } = env;
  return [
    {
      name: 'final-backup',
      timeoutMs: t.backup,
      async run(ctx) {
        const ct = await ourCt(ctx, env);
        if (!ct) return undefined;
        const vmid = idFact(ctx, 'vmid');
        const notes = finalBackupNotes(ctx);
        const find = async () =>
          (await deps.backups.listBackups(config.backupStorage, vmid)).find(
            b => b.notes === notes,
          );
        const existing = await find();
        if (existing) return { finalBackupVolid: existing.volid };
        await runTask(
          env,
          deps.backups.vzdump(vmid, {
            storage: config.backupStorage,
            mode: config.backupMode,
            notes,
          }),
          config.backupTimeoutMs,
        );
        const made = await find();
        if (!made)
          throw new ConflictError(
            `final backup of CT ${vmid} finished but is not listed in storage ${config.backupStorage}`,
          );
        return { finalBackupVolid: made.volid };
      },
    },
    {
      name: 'routes',
      timeoutMs: t.calls,
      async run(ctx) {
        for (const id of await environmentRouteIds(
          deps.routes,
          ctx.target.name,
        ))
          await deps.routes.remove(id);
      },
    },
    {
      name: 'containers',
      timeoutMs: t.ip + t.docker,
      async run(ctx) {
        const ct = await ourCt(ctx, env);
        if (!ct) return;
        const vmid = idFact(ctx, 'vmid');
        // a stopped CT's containers go with it
        if ((await deps.proxmox.getStatus(vmid)).status !== 'running') return;
        const docker = dockerAt(ctx, env, await currentIp(ctx, env));
        for (const c of await docker.listContainers({ all: true })) {
          if (c.name === config.agentContainerName) continue;
          await docker.remove(c.name, { force: true, volumes: true });
        }
      },
    },
    {
      name: 'portainer',
      timeoutMs: t.calls,
      async run(ctx) {
        const endpointId = optionalIdFact(ctx, 'endpointId');
        if (endpointId === undefined) return;
        let endpoint;
        try {
          endpoint = await deps.portainer.getEndpoint(endpointId);
        } catch (e) {
          if (isNotFound(e)) return;
          throw e;
        }
        if (endpoint.name !== ctx.target.name)
          throw new ConflictError(
            `Portainer endpoint ${endpointId} is ${endpoint.name}, not environment ${ctx.target.name}: refusing to delete it`,
          );
        const teamId = optionalIdFact(ctx, 'portainerTeamId');
        if (teamId !== undefined && endpoint.teamAccess[teamId] !== undefined)
          await deps.portainer.revokeTeamAccess(endpointId, teamId);
        await deps.portainer.deleteEndpoint(endpointId);
      },
    },
    {
      name: 'lxc',
      timeoutMs: t.task * 2,
      async run(ctx) {
        if (!(await ourCt(ctx, env))) return;
        const vmid = idFact(ctx, 'vmid');
        if ((await deps.proxmox.getStatus(vmid)).status === 'running')
          await runTask(env, deps.proxmox.stop(vmid));
        await runTask(env, deps.proxmox.destroy(vmid));
      },
    },
    {
      name: 'netbox',
      timeoutMs: t.calls,
      async run(ctx) {
        const vmId = optionalIdFact(ctx, 'netboxVmId');
        if (vmId === undefined) return;
        let vm;
        try {
          vm = await deps.netbox.getVirtualMachineById(vmId);
        } catch (e) {
          if (isNotFound(e)) return;
          throw e;
        }
        const renamed = decommissionedVmName(
          ctx.target.name,
          ctx.target.environmentId,
        );
        if (vm.name === renamed && vm.status === 'decommissioning') return;
        if (vm.name !== ctx.target.name && vm.name !== renamed)
          throw new ConflictError(
            `NetBox VM ${vmId} is ${vm.name}, not environment ${ctx.target.name}: refusing to change it`,
          );
        await deps.netbox.updateVirtualMachine(vmId, {
          name: renamed,
          status: 'decommissioning',
        });
      },
    },
  ];
}
