export {
  GitLabSimulator,
  type GitLabSimulatorOptions,
} from './GitLabSimulator';
export type { GitLabApplication, GitLabUser } from './model';
export { OAuthError, OAuthProvider, ACCESS_TOKEN_TTL_S } from './oauth';
export {
  GITLAB_LAB_APPLICATION,
  labGitLabSetup,
  type LabGitLabOptions,
} from './labGitLab';
