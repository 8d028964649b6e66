export {
  REGISTRY_NAME_PREFIX,
  readOwnerRegistries,
  registriesOf,
  type OwnerRegistry,
} from './config';
export { registriesStep } from './step';
export {
  judgeRegistries,
  type RegistryEnvironment,
  type RegistryFinding,
} from './judge';
export {
  syncRegistriesOnce,
  type RegistryFingerprints,
  type RegistrySyncChange,
  type RegistrySyncReport,
} from './sync';
