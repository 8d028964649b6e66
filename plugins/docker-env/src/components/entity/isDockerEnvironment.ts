import { Entity } from '@backstage/catalog-model';

/**
 * The catalog entity of an environment: a Resource of type `docker-environment`.
 *
 * @public
 */
export function isDockerEnvironment(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type ===
      'docker-environment'
  );
}
