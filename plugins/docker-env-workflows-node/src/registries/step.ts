import type { PortainerApi } from '@docker-env/plugin-docker-env-node';
import type { OperationStep } from '../operations';
import { abortable, fact } from '../provisioning/facts';
import { type OwnerRegistry, registriesOf } from './config';

/**
 * `registries`: every registry configured for the environment's owner is registered in Portainer
 * (once, by its marked name) and granted to the owner's team on the new environment (the
 * `endpointId` and `teamId` facts of the `portainer` step), merged with the access already there.
 * Undo takes the team's grant on this environment back; the registry itself stays for the owner's
 * other environments (the registry sync withdraws it once it leaves the config).
 *
 * @public
 */
export function registriesStep(
  deps: { portainer: PortainerApi },
  config: { registries: OwnerRegistry[]; timeoutMs: number },
): OperationStep {
  const { portainer } = deps;
  return {
    name: 'registries',
    timeoutMs: config.timeoutMs,
    async run(ctx) {
      const mine = registriesOf(config.registries, ctx.target.owner);
      if (mine.length === 0) return { registryIds: [] };
      const endpointId = fact<number>(ctx, 'endpointId', 'number');
      const teamId = fact<number>(ctx, 'teamId', 'number');
      const registryIds: number[] = [];
      for (const r of mine) {
        ctx.signal.throwIfAborted();
        const registry = await abortable(
          portainer.ensureRegistry({
            name: r.portainerName,
            type: 3,
            url: r.url,
            username: r.username,
            password: r.password,
          }),
          ctx.signal,
        );
        await abortable(
          portainer.grantRegistryAccess(endpointId, registry.id, [teamId]),
          ctx.signal,
        );
        registryIds.push(registry.id);
      }
      ctx.logger.info(
        `registries: ${mine
          .map(r => r.portainerName)
          .join(', ')} granted to the owner's team`,
      );
      return { registryIds };
    },
    holds: ({ target }) => [
      `access of ${target.owner}'s team to its registries (it goes with the Portainer environment)`,
    ],
    async undo(ctx) {
      const endpointId = ctx.facts.endpointId;
      const teamId = ctx.facts.teamId;
      if (typeof endpointId !== 'number' || typeof teamId !== 'number') return;
      const names = new Set(
        registriesOf(config.registries, ctx.target.owner).map(
          r => r.portainerName,
        ),
      );
      if (names.size === 0) return;
      const found = (
        await abortable(portainer.listRegistries(), ctx.signal)
      ).filter(r => names.has(r.name) && r.access[endpointId]);
      for (const r of found) {
        await abortable(
          portainer.revokeRegistryAccess(endpointId, r.id, [teamId]),
          ctx.signal,
        );
      }
    },
  };
}
