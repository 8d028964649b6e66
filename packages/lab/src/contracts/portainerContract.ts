import { ContractValidator } from './ContractValidator';

/** The Portainer contract file in the repository's contracts folder (Swagger 2.0 subset). */
export const PORTAINER_CONTRACT_FILE = 'portainer-api.subset.json';

/**
 * A validator for the Portainer contract. `options.goNullable`: every object property may be null,
 * as Go renders nil slices/maps/pointers, which Swagger 2.0 cannot express (see the contracts README).
 */
export function portainerContractValidator(
  options: { goNullable?: boolean } = {},
): ContractValidator {
  return new ContractValidator(PORTAINER_CONTRACT_FILE, {}, options);
}
