import { InputError } from '@backstage/errors';
import type { OperationStep, StepContext } from '../operations';
import { canonicalOwnerRef, portainerTeamName } from '../provisioning/teamName';
import { registriesOf } from '../registries/config';
import { idFact, optionalIdFact } from './facts';
import { existingCt, pve, type StepEnv } from './guest';
import { stepTimeouts } from './timeouts';

/** The owners of a transfer: `transferFrom` and `transferTo`, input facts of the `transfer` operation. */
function owners(ctx: StepContext): { from: string; to: string } {
  const read = (name: string) => {
    const v = ctx.facts[name];
    if (typeof v !== 'string' || v === '')
      throw new InputError(
        `${name}: the transfer of ${ctx.target.name} has no ${name} recorded`,
      );
    return canonicalOwnerRef(v);
  };
  return { from: read('transferFrom'), to: read('transferTo') };
}

/**
 * The CT's description with its `owner:` line naming `owner` (the line added after the first when missing); the
 * other lines, our mark among them, stay as they are.
 *
 * @public
 */
export function describedOwner(
  description: string | undefined,
  owner: string,
): string {
  const lines = (description ?? '').split(/\r?\n/);
  const at = lines.findIndex(l => /^owner: /.test(l));
  if (at >= 0) lines[at] = `owner: ${owner}`;
  else lines.splice(1, 0, `owner: ${owner}`);
  return lines.join('\n');
}

async function markCt(ctx: StepContext, env: StepEnv, owner: string) {
  const config = await existingCt(ctx, env);
  const description = describedOwner(config.description, owner);
  if (description === config.description) return;
  ctx.signal.throwIfAborted();
  await pve(ctx, env).updateConfig(idFact(ctx, 'vmid'), { description });
}

async function markNetBox(ctx: StepContext, env: StepEnv, owner: string) {
  const vmId = optionalIdFact(ctx, 'netboxVmId');
  if (vmId === undefined) return;
  // a PATCH of custom_fields merges with the VM's other custom fields (the environment id, vmid, node stay)
  await env.deps.netbox.updateVirtualMachine(vmId, {
    comments: `Docker environment ${ctx.target.name}, owner ${owner}`,
    customFields: { docker_env_owner: owner },
  });
}

/**
 * Gives `to`'s team access to the endpoint (the team made, with the owner's current members, when missing), then
 * takes `from`'s team's access away: read-merge-write of `TeamAccessPolicies` each time, so other teams' access stays
 * and the environment is never without a team. Answers the id of `to`'s team.
 */
async function moveTeamAccess(
  ctx: StepContext,
  env: StepEnv,
  endpointId: number,
  from: string,
  to: string,
): Promise<number> {
  const { portainer, teams } = env.deps;
  const prefix = env.config.teamPrefix;
  const team = await portainer.ensureTeam(portainerTeamName(prefix, to));
  const current = new Set(
    (await portainer.listTeamMemberships(team.id)).map(m => m.userId),
  );
  for (const member of (await teams?.(to))?.members ?? []) {
    ctx.signal.throwIfAborted();
    const user = await portainer.findUserByUsername(member);
    // users not in Portainer yet are added by the team sync's first pass after their first login
    if (user && !current.has(user.id))
      await portainer.addTeamMember(team.id, user.id, 2);
  }
  ctx.signal.throwIfAborted();
  await portainer.grantTeamAccess(endpointId, team.id);
  const old = (await portainer.listTeams()).find(
    t => t.name === portainerTeamName(prefix, from),
  );
  ctx.signal.throwIfAborted();
  if (old && old.id !== team.id)
    await portainer.revokeTeamAccess(endpointId, old.id);
  return team.id;
}

/** Deletes our team of `owner` when no endpoint grants it any more (as the provisioning undo does). */
async function dropUnusedTeam(env: StepEnv, owner: string) {
  const { portainer } = env.deps;
  const name = portainerTeamName(env.config.teamPrefix, owner);
  const team = (await portainer.listTeams()).find(t => t.name === name);
  if (!team) return;
  const endpoints = await portainer.listEndpoints();
  if (endpoints.some(e => e.teamAccess[team.id] !== undefined)) return;
  await portainer.deleteTeam(team.id);
}

/**
 * Grants `to`'s registries (`dockerEnv.registries[]`) to `to`'s team on the endpoint (registered first when missing),
 * then revokes `from`'s registries from `from`'s team there; a registry both owners share stays granted to the new
 * team. Read-merge-write of each registry's access on the endpoint.
 */
async function moveRegistryAccess(
  ctx: StepContext,
  env: StepEnv,
  endpointId: number,
  from: string,
  to: string,
) {
  const { portainer } = env.deps;
  const configured = env.config.registries ?? [];
  const granted = registriesOf(configured, to);
  const withdrawn = registriesOf(configured, from).filter(
    r => !granted.some(g => g.portainerName === r.portainerName),
  );
  if (granted.length === 0 && withdrawn.length === 0) return;
  const teams = await portainer.listTeams();
  const teamOf = (owner: string) =>
    teams.find(t => t.name === portainerTeamName(env.config.teamPrefix, owner));
  const newTeam = teamOf(to);
  if (granted.length && !newTeam)
    throw new InputError(
      `registries: the Portainer team of ${to} does not exist (the portainer step makes it)`,
    );
  for (const r of granted) {
    ctx.signal.throwIfAborted();
    const registry = await portainer.ensureRegistry({
      name: r.portainerName,
      type: 3,
      url: r.url,
      username: r.username,
      password: r.password,
    });
    await portainer.grantRegistryAccess(endpointId, registry.id, [newTeam!.id]);
  }
  const oldTeam = teamOf(from);
  if (!oldTeam || withdrawn.length === 0) return;
  const names = new Set(withdrawn.map(r => r.portainerName));
  for (const r of await portainer.listRegistries()) {
    if (!names.has(r.name) || !r.access[endpointId]) continue;
    ctx.signal.throwIfAborted();
    await portainer.revokeRegistryAccess(endpointId, r.id, [oldTeam.id]);
  }
}

/**
 * Transfer to another owner: the CT's description (`owner:` line beside our mark), NetBox's owner custom field,
 * Portainer access (the new owner's team granted, the old one's taken away) and the registries of the owners
 * (`dockerEnv.registries[]`: the new owner's granted, the old owner's revoked on this environment). Every step's undo
 * puts back the old owner, so a transfer that fails leaves everything as it was. The record (and so the catalog
 * entity and both owners' usage) changes when the transfer is queued and is put back when it does not succeed.
 *
 * @public
 */
export function transferSteps(env: StepEnv): OperationStep[] {
  const { calls } = stepTimeouts(env.config);
  const endpointOf = (ctx: StepContext) => optionalIdFact(ctx, 'endpointId');
  return [
    {
      name: 'ct-mark',
      timeoutMs: calls,
      run: async ctx => markCt(ctx, env, owners(ctx).to),
      undo: async ctx => markCt(ctx, env, owners(ctx).from),
    },
    {
      name: 'netbox',
      timeoutMs: calls,
      run: async ctx => markNetBox(ctx, env, owners(ctx).to),
      undo: async ctx => markNetBox(ctx, env, owners(ctx).from),
    },
    {
      name: 'portainer',
      timeoutMs: calls,
      run: async ctx => {
        const endpointId = endpointOf(ctx);
        if (endpointId === undefined) return undefined;
        const { from, to } = owners(ctx);
        return { teamId: await moveTeamAccess(ctx, env, endpointId, from, to) };
      },
      undo: async ctx => {
        const endpointId = endpointOf(ctx);
        if (endpointId === undefined) return;
        const { from, to } = owners(ctx);
        await moveTeamAccess(ctx, env, endpointId, to, from);
        await dropUnusedTeam(env, to);
      },
    },
    {
      name: 'registries',
      timeoutMs: calls,
      run: async ctx => {
        const endpointId = endpointOf(ctx);
        if (endpointId === undefined) return;
        const { from, to } = owners(ctx);
        await moveRegistryAccess(ctx, env, endpointId, from, to);
      },
      undo: async ctx => {
        const endpointId = endpointOf(ctx);
        if (endpointId === undefined) return;
        const { from, to } = owners(ctx);
        await moveRegistryAccess(ctx, env, endpointId, to, from);
      },
    },
  ];
}
