import type { OperationStep } from '../../operations';
import {
  UNMANAGED_MARK,
  portainerEnvironmentTag,
} from '@docker-env/plugin-docker-env-node';
import { abortable, fact } from '../facts';
import { explainAgentPairing } from './agentPairing';
import type { ProvisioningConfig, ProvisioningDeps } from '../types';
import { portainerTeamName } from '../teamName';

/**
 * `portainer`: the agent environment (tagged as ours), the owner's team (the prefix, our mark on
 * teams, plus the owner's whole ref: {@link portainerTeamName}) with its members, and the team's access to the environment.
 *
 * @public
 */
export function portainerStep(
  deps: ProvisioningDeps,
  config: ProvisioningConfig,
): OperationStep {
  const { portainer } = deps;
  return {
    name: 'portainer',
    timeoutMs: config.timeouts.portainer,
    async run(ctx) {
      const t = ctx.target;
      const ip = fact<string>(ctx, 'ip', 'string');
      const { endpoint } = await abortable(
        portainer.createAgentEndpoint({
          name: t.name,
          ip,
          port: config.agent.port,
          environmentId: t.environmentId,
          ...(t.management === 'unmanaged'
            ? { extraTags: [UNMANAGED_MARK] }
            : {}),
        }),
        ctx.signal,
      ).catch(e => {
        throw explainAgentPairing(e, `${ip}:${config.agent.port}`);
      });
      const team = await abortable(deps.teams(t.owner), ctx.signal);
      const teamName = portainerTeamName(config.portainer.teamPrefix, t.owner);
      ctx.signal.throwIfAborted();
      const { id: teamId } = await abortable(
        portainer.ensureTeam(teamName),
        ctx.signal,
      );
      const skipped: string[] = [];
      for (const member of team.members) {
        ctx.signal.throwIfAborted();
        const user = await abortable(
          portainer.findUserByUsername(member),
          ctx.signal,
        );
        if (!user) {
          skipped.push(member);
          continue;
        }
        await abortable(
          portainer.addTeamMember(teamId, user.id, 2),
          ctx.signal,
        );
      }
      if (skipped.length)
        ctx.logger.info(
          `portainer: not in Portainer yet (added at their first login by the team sync): ${skipped.join(
            ', ',
          )}`,
        );
      ctx.signal.throwIfAborted();
      await abortable(
        portainer.grantTeamAccess(endpoint.id, teamId),
        ctx.signal,
      );
      const base = config.portainer.publicUrl?.replace(/\/+$/, '');
      return {
        endpointId: endpoint.id,
        teamId,
        ...(base
          ? { portainerUrl: `${base}/#!/${endpoint.id}/docker/dashboard` }
          : {}),
      };
    },
    holds: ({ target, facts }) => [
      `Portainer environment ${target.name}${
        typeof facts.endpointId === 'number' ? ` (id ${facts.endpointId})` : ''
      } tagged ${portainerEnvironmentTag(target.environmentId)}`,
    ],
    async undo(ctx) {
      const t = ctx.target;
      const endpoint = await abortable(
        portainer.findOwnedEndpoint(t.name, t.environmentId),
        ctx.signal,
      );
      if (endpoint)
        await abortable(portainer.deleteEndpoint(endpoint.id), ctx.signal);
      const tag = (await abortable(portainer.listTags(), ctx.signal)).find(
        x => x.name === portainerEnvironmentTag(t.environmentId),
      );
      if (tag) await abortable(portainer.deleteTag(tag.id), ctx.signal);
      // a team is ours only by its prefix; keep it while another environment grants it access
      if (!config.portainer.teamPrefix) return;
      const teamName = portainerTeamName(config.portainer.teamPrefix, t.owner);
      const found = (await abortable(portainer.listTeams(), ctx.signal)).find(
        x => x.name === teamName,
      );
      if (!found) return;
      const endpoints = await abortable(portainer.listEndpoints(), ctx.signal);
      if (endpoints.some(e => e.teamAccess[found.id] !== undefined)) return;
      await abortable(portainer.deleteTeam(found.id), ctx.signal);
    },
  };
}
