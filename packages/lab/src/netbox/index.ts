export * from './NetBoxSimulator';
export type {
  NetBoxState,
  NbClusterType,
  NbCluster,
  NbCustomField,
  NbTag,
  NbNamed,
  NbVirtualMachine,
  NbInterface,
  NbIpAddress,
} from './model';
