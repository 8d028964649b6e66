import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/** Whether an owner ref (`user:` or `group:`) names an entity the catalog holds. */
export type OwnerInCatalog = (ref: string) => Promise<boolean>;

/** {@link OwnerInCatalog} asking the catalog with the plugin's own credentials. */
export function catalogOwners(options: {
  catalog: CatalogService;
  auth: AuthService;
}): OwnerInCatalog {
  return async ref => {
    const credentials = await options.auth.getOwnServiceCredentials();
    const entity = await options.catalog.getEntityByRef(parseEntityRef(ref), {
      credentials,
    });
    return entity !== undefined;
  };
}
