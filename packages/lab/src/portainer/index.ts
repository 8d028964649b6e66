export * from './PortainerSimulator';
export { agentBaseUrl, pingAgent } from './agent';
export type {
  PortainerState,
  PtUser,
  PtTeam,
  PtMembership,
  PtEndpoint,
  PtRegistry,
  PtAccessPolicies,
} from './model';
