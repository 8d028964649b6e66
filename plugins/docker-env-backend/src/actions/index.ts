export { registerDockerEnvActions } from './registerActions';
export { USERS_ONLY } from './actionCaller';
