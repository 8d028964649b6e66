export { findRepoRoot, contractPath } from './repoRoot';
export { ContractValidator } from './ContractValidator';
export {
  NETBOX_CONTRACT_FILE,
  NETBOX_CONTRACT_GAPS,
  netboxContractValidator,
} from './netboxContract';
export {
  PORTAINER_CONTRACT_FILE,
  portainerContractValidator,
} from './portainerContract';
export {
  TRAEFIK_CONTRACT_FILE,
  traefikSchemaValidator,
  emptyMaps,
} from './traefikContract';
export {
  ProxmoxContract,
  defaultProxmoxContractPath,
  type PveOperation,
  type PveSchema,
} from './ProxmoxContract';
export {
  RequestContract,
  goAccepts,
  jsonType,
  type ContractDrift,
  type ContractMatch,
  type ContractOperation,
  type RequestProblem,
  type UnknownInputPolicy,
} from './RequestContract';
export { parsePveShellCommands, pveCommandToApi, PCT_LOCAL_ONLY, type PveShellCommand, type PveApiCall } from './pveCommands';
