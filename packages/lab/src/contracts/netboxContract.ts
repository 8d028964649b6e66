import { ContractValidator } from './ContractValidator';

/** The NetBox contract file in the repository's contracts folder (OpenAPI 3.0 subset). */
export const NETBOX_CONTRACT_FILE = 'netbox-openapi.subset.json';

/**
 * Documented contract gaps (real NetBox behaviour the generated OpenAPI does not describe):
 * an empty choice (`mode`, `role`) renders as null, and an unset `dns_name` is "" (the pattern forbids it).
 */
export const NETBOX_CONTRACT_GAPS: Record<string, unknown> = {
  '#/components/schemas/IPAddress/properties/dns_name': {
    anyOf: [
      { const: '' },
      {
        type: 'string',
        maxLength: 255,
        pattern: '^([0-9A-Za-z_-]+|\\*)(\\.[0-9A-Za-z_-]+)*\\.?$',
      },
    ],
  },
  '#/components/schemas/VMInterface/properties/mode': {
    anyOf: [{ type: 'object' }, { type: 'null' }],
  },
  '#/components/schemas/IPAddress/properties/role': {
    anyOf: [{ type: 'object' }, { type: 'null' }],
  },
};

/**
 * A validator for the NetBox contract; `options.withDocumentedGaps` applies {@link NETBOX_CONTRACT_GAPS}
 * (for checking what a NetBox answers, which the generated schema does not fully describe).
 */
export function netboxContractValidator(
  options: { withDocumentedGaps?: boolean } = {},
): ContractValidator {
  return new ContractValidator(
    NETBOX_CONTRACT_FILE,
    options.withDocumentedGaps ? NETBOX_CONTRACT_GAPS : {},
  );
}
