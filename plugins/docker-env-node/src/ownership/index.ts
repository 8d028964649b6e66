export {
  MANAGED_BY,
  UNMANAGED_MARK,
  ENVIRONMENT_LABEL,
  NETBOX_ENVIRONMENT_FIELD,
  assertEnvironmentId,
  pveEnvironmentTag,
  portainerEnvironmentTag,
  descriptionMark,
  hasDescriptionMark,
  OwnershipConflictError,
} from './marks';
