export {
  catalogTeamResolver,
  PORTAINER_USERNAME_ANNOTATION,
} from './catalogTeams';
