export { ProxmoxSimulator } from './ProxmoxSimulator';
export {
  DEFAULT_PROXMOX_SIM_TOKEN,
  PROXMOX_SIM_LATENCIES,
  type ProxmoxSimulatorOptions,
  type ProxmoxSimToken,
  type ProxmoxSimRequestRecord,
  type ProxmoxSavedState,
} from './config';
export type {
  ProxmoxSimState,
  SimContainer,
  SimTask,
  SimSnapshot,
  SimFirewallRule,
  PveValue,
  SimStorage,
  SimVolume,
  SimBackup,
} from './state';
export {
  createPveRoleToken,
  setPveRolePrivs,
  pveAdminCall,
  PVE_ADMIN_AUTH,
  type PveRoleGrant,
} from './access/tokenSetup';
export { pvePrivileges, pinnedOperations } from './access/operationTable';
export {
  appliesLive,
  LXC_FASTPLUG_OPTIONS,
  LXC_HOTPLUG_OPTIONS,
} from './hotplug';
