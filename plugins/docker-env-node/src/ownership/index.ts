export {
  MANAGED_BY,
  ENVIRONMENT_LABEL,
  NETBOX_ENVIRONMENT_FIELD,
  assertEnvironmentId,
  pveEnvironmentTag,
  portainerEnvironmentTag,
  descriptionMark,
  hasDescriptionMark,
  OwnershipConflictError,
} from './marks';
