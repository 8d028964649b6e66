import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  OperationStep,
  TeamResolver,
} from '@docker-env/plugin-docker-env-workflows-node';

/**
 * What a backend module can change in how the docker-env plugin provisions: who is in an environment's Portainer
 * team, and steps of its own after the built-in ones.
 *
 * @public
 */
export interface DockerEnvProvisioningExtensionPoint {
  /**
   * Replaces the team resolver: how an owner entity ref maps to the Portainer team (and its members' Portainer user
   * names) that provisioning gives access to the environment. The default reads the owner and its `hasMember`
   * relations from the catalog. At most one module may set it.
   */
  setTeamResolver(resolver: TeamResolver): void;
  /**
   * Adds steps that run after the built-in provisioning steps (and, on a rollback, are undone before them), in the
   * order added. Each step's `name` is recorded with the operation: keep it stable and unique.
   */
  addProvisioningSteps(...steps: OperationStep[]): void;
}

/**
 * The extension point of the docker-env backend plugin for platform teams (see the plugin README).
 *
 * @public
 */
export const dockerEnvProvisioningExtensionPoint =
  createExtensionPoint<DockerEnvProvisioningExtensionPoint>({
    id: 'docker-env.provisioning',
  });

/** The plugin's side of {@link dockerEnvProvisioningExtensionPoint}: what modules registered. */
export class ProvisioningExtensions
  implements DockerEnvProvisioningExtensionPoint
{
  #teamResolver?: TeamResolver;
  readonly #steps: OperationStep[] = [];

  setTeamResolver(resolver: TeamResolver): void {
    if (this.#teamResolver)
      throw new Error(
        'docker-env: a team resolver was set already; only one module may set it',
      );
    this.#teamResolver = resolver;
  }

  addProvisioningSteps(...steps: OperationStep[]): void {
    for (const step of steps) {
      if (this.#steps.some(s => s.name === step.name))
        throw new Error(
          `docker-env: a provisioning step named ${step.name} was added already`,
        );
      this.#steps.push(step);
    }
  }

  /** The resolver a module set, else undefined (the plugin then uses the catalog's). */
  get teamResolver(): TeamResolver | undefined {
    return this.#teamResolver;
  }

  /** The steps modules added, in order. */
  get steps(): readonly OperationStep[] {
    return this.#steps;
  }
}
