// The docker-env backend plugin alone in a real Backstage backend (`createBackend`), as a replica
// runs it; config from `--config <file>`. The catalog is a fixed org (team-a: alice, carol, zoe).
import { createBackend } from '@backstage/backend-defaults';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import dockerEnvPlugin from '@docker-env/plugin-docker-env-backend';
import { TEAM_A_CATALOG } from '../catalog';

function staticCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const find = (ref: string | CompoundEntityRef) =>
    byRef.get(typeof ref === 'string' ? ref : stringifyEntityRef(ref));
  return {
    getEntityByRef: async (ref: string | CompoundEntityRef) => find(ref),
    getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
      items: entityRefs.map(r => find(r)),
    }),
  } as unknown as CatalogService;
}

const backend = createBackend();
backend.add(
  createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => staticCatalog(TEAM_A_CATALOG),
  }),
);
backend.add(dockerEnvPlugin);
backend.start();
