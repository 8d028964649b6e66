import {
  NetBoxClient,
  PortainerClient,
  ProxmoxApiClient,
} from '@docker-env/plugin-docker-env-node';
import type { Knex } from 'knex';
import type { LabView } from './labAgreement';

/** Where an environment's owner shows: the record, the CT's description, NetBox, Portainer teams and registries. */
export interface OwnerMarks {
  record: string;
  /** The `owner:` line of the CT's description. */
  ct: string | undefined;
  /** NetBox's `docker_env_owner` custom field. */
  netbox: unknown;
  /** Names of the teams with access to the environment's Portainer endpoint. */
  teams: string[];
  /** `registry -> team names` of the registries usable on the endpoint. */
  registries: Record<string, string[]>;
}

/** Reads the {@link OwnerMarks} of environment `name` through the production clients. */
export function ownerMarksReader(view: LabView, knex: Knex) {
  const proxmox = ProxmoxApiClient.fromConfig(view.clients);
  const portainer = PortainerClient.fromConfig(view.clients);
  const netbox = NetBoxClient.fromConfig(view.clients);
  return async (name: string): Promise<OwnerMarks> => {
    const env = await knex('environments')
      .where({ name })
      .orderBy('created_at', 'desc')
      .first();
    const facts = JSON.parse(env.facts ?? '{}');
    const config = await proxmox.getConfig(Number(env.vmid));
    const vm = await netbox.getVirtualMachineById(facts.netboxVmId);
    const teams = await portainer.listTeams();
    const teamName = (id: number) =>
      teams.find(t => t.id === id)?.name ?? `#${id}`;
    const endpoint = await portainer.getEndpoint(facts.endpointId);
    const registries: Record<string, string[]> = {};
    for (const r of await portainer.listRegistries()) {
      const access = r.access[facts.endpointId];
      if (access?.teamIds.length)
        registries[r.name] = access.teamIds.map(teamName).sort();
    }
    return {
      record: env.owner,
      ct: /^owner: (.*)$/m.exec(config.description ?? '')?.[1],
      netbox: vm.customFields.docker_env_owner,
      teams: Object.keys(endpoint.teamAccess).map(Number).map(teamName).sort(),
      registries,
    };
  };
}
