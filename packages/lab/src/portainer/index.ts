export * from './PortainerSimulator';
export { agentBaseUrl, pingAgent } from './agent';
export {
  startStandInAgent,
  type StandInAgent,
  type StandInAgentOptions,
} from './standInAgent';
export type {
  PortainerState,
  PtUser,
  PtTeam,
  PtMembership,
  PtEndpoint,
  PtRegistry,
  PtAccessPolicies,
} from './model';
