import { ConflictError } from '@backstage/errors';
import {
  ProxmoxTaskError,
  UpstreamApiError,
} from '@docker-env/plugin-docker-env-node';
import { isOurVirtualMachine } from '@docker-env/plugin-docker-env-node';
import {
  OwnershipConflictError,
  portainerEnvironmentTag,
} from '@docker-env/plugin-docker-env-node';
import type { OperationStep, StepContext } from '../operations';
import { idFact, optionalIdFact } from './facts';
import {
  currentIp,
  dockerAt,
  ourCt,
  ourEndpoint,
  pve,
  runTask,
  type StepEnv,
} from './guest';
import { environmentRouteFiles } from './routes';
import { stepTimeouts } from './timeouts';

/** NetBox's limit for VM names. */
const NETBOX_NAME_MAX = 64;

/**
 * The name a deleted environment's NetBox VM gets, so the environment name can be used again.
 *
 * @public
 */
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

/**
 * The notes of the final backup: how a later run (and an admin) finds it.
 *
 * @public
 */
export function finalBackupNotes(ctx: StepContext): string {
  return `docker-env final backup of ${ctx.target.name} (environment ${ctx.target.environmentId})`;
}

/**
 * The steps of delete that take nothing away from the environment: a delete that fails in one of them leaves it as
 * it was (ready or paused); one that fails later no longer serves and stays `deleting` until a retry finishes it.
 *
 * @public
 */
export const DELETE_KEEPING_STEPS: readonly string[] = ['final-backup'];

const isNotFound = (e: unknown) =>
  e instanceof UpstreamApiError && e.status === 404;

/**
 * Delete: a final backup (vzdump into the configured storage), then every route, the containers, the Portainer
 * environment and team access, the CT; the NetBox VM is set `decommissioning` and renamed with the environment id.
 * Each step finds its work done when it is; delete rolls forward (a retry finishes it), nothing is undone.
 *
 * @public
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
          (await pve(ctx, env).listBackups(config.backupStorage, vmid)).find(
            b => b.notes === notes,
          );
        const existing = await find();
        if (existing) return { finalBackupVolid: existing.volid };
        // an earlier attempt's backup (its backend died mid-step) may still run: wait for it, never start a second
        for (const upid of await pve(ctx, env).activeTasks(vmid, 'vzdump')) {
          await runTask(
            ctx,
            env,
            Promise.resolve(upid),
            config.backupTimeoutMs,
          ).catch(e => {
            if (!(e instanceof ProxmoxTaskError)) throw e;
          });
          const previous = await find();
          if (previous) return { finalBackupVolid: previous.volid };
        }
        await runTask(
          ctx,
          env,
          pve(ctx, env).vzdump(vmid, {
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
        // only the files carrying the environment's mark: one named like them without it is not ours to delete
        const { ours, others } = await environmentRouteFiles(
          deps.routes,
          ctx.target,
        );
        for (const id of ours)
          await deps.routes.remove(ctx.target.environmentId, id);
        if (others.length === 0) return undefined;
        ctx.logger.warn(
          `routes: left alone, not marked for this environment: ${others.join(
            ', ',
          )}`,
        );
        return { routesNotOurs: others };
      },
    },
    {
      name: 'containers',
      timeoutMs: t.ip + t.docker,
      async run(ctx) {
        const ct = await ourCt(ctx, env);
        if (!ct) return;
        const vmid = idFact(ctx, 'vmid');
        // a stopped CT's containers go with it, and so do those behind a Portainer environment already removed
        if (
          optionalIdFact(ctx, 'endpointId') !== undefined &&
          !(await ourEndpoint(ctx, env))
        )
          return;
        if ((await pve(ctx, env).getStatus(vmid)).status !== 'running') return;
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
        const endpoint = await ourEndpoint(ctx, env);
        const teamId = optionalIdFact(ctx, 'teamId');
        if (endpoint) {
          if (teamId !== undefined && endpoint.teamAccess[teamId] !== undefined)
            await deps.portainer.revokeTeamAccess(endpoint.id, teamId);
          await deps.portainer.deleteEndpoint(endpoint.id);
        }
        const tag = (await deps.portainer.listTags()).find(
          x => x.name === portainerEnvironmentTag(ctx.target.environmentId),
        );
        if (tag) await deps.portainer.deleteTag(tag.id);
        // the owner's team is ours by its prefix; it stays while another environment grants it access
        if (teamId === undefined || !config.teamPrefix) return;
        const team = (await deps.portainer.listTeams()).find(
          x => x.id === teamId,
        );
        if (!team || !team.name.startsWith(config.teamPrefix)) return;
        const endpoints = await deps.portainer.listEndpoints();
        if (endpoints.some(e => e.teamAccess[teamId] !== undefined)) return;
        await deps.portainer.deleteTeam(teamId);
      },
    },
    {
      name: 'lxc',
      timeoutMs: t.task * 2,
      async run(ctx) {
        if (!(await ourCt(ctx, env))) return;
        const vmid = idFact(ctx, 'vmid');
        if ((await pve(ctx, env).getStatus(vmid)).status === 'running')
          await runTask(ctx, env, pve(ctx, env).stop(vmid));
        await runTask(ctx, env, pve(ctx, env).destroy(vmid));
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
        if (!isOurVirtualMachine(vm, ctx.target.environmentId))
          throw new OwnershipConflictError(
            'NetBox',
            `VM ${vm.name} (id ${vmId})`,
            `it does not carry environment id ${ctx.target.environmentId}`,
          );
        // the address goes back to the pool: the next CT may get it (NetBox refuses a duplicate)
        if (vm.primaryIp4)
          await deps.netbox.releasePrimaryIp4(vmId, ctx.target.environmentId);
        const renamed = decommissionedVmName(
          ctx.target.name,
          ctx.target.environmentId,
        );
        if (vm.name === renamed && vm.status === 'decommissioning') return;
        await deps.netbox.updateVirtualMachine(vmId, {
          name: renamed,
          status: 'decommissioning',
        });
      },
    },
  ];
}
