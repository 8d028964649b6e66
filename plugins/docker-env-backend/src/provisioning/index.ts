export {
  catalogTeamResolver,
  PORTAINER_USERNAME_ANNOTATION,
} from './catalogTeams';
export {
  dockerEnvProvisioningExtensionPoint,
  ProvisioningExtensions,
  type DockerEnvProvisioningExtensionPoint,
} from './extensionPoint';
