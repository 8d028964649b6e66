import { ConflictError } from '@backstage/errors';
import { routeFileName, type RouteStore } from './RouteStore';
import type { TraefikDynamicConfig } from './types';

/**
 * Holds a route file while `work` changes it. Inside an operation the operation's lock already holds the environment
 * ({@link OPERATION_HOLDS_LOCK}); outside one (the reconciler, a later label-route writer) the backend's lock takes the
 * environment shared plus the route file's key exclusively, and refuses (`ConflictError`) while an operation that
 * may write that file runs.
 *
 * @public
 */
export type RouteLock = <T>(
  environmentId: string,
  routeFileKey: string,
  work: () => Promise<T>,
) => Promise<T>;

/**
 * The lock of a writer used by an operation's steps: the operation took its lock when it was inserted, and holds it
 * until it ends, so there is nothing more to take.
 *
 * @public
 */
export const OPERATION_HOLDS_LOCK: RouteLock = (_environmentId, _key, work) =>
  work();

/**
 * A route file exists that does not carry the mark of the environment writing it: it is neither overwritten nor
 * deleted. A `ConflictError` (HTTP 409) naming the file and whose it is.
 *
 * @public
 */
export class RouteFileNotOursError extends ConflictError {
  constructor(
    readonly file: string,
    /** The environment id the file is marked with; null when it carries no mark. */
    readonly owner: string | null,
    environmentId: string,
    change: 'overwritten' | 'deleted',
  ) {
    super(
      `route file ${file} ${
        owner === null
          ? 'carries no docker-env mark'
          : `is marked for environment ${owner}`
      }: it was not ${change} for environment ${environmentId} (remove or rename it by hand if it is a leftover)`,
    );
  }
}

/**
 * The one writer every route change goes through: provisioning's route step, the rollout switch, pause and resume,
 * delete, the reconciler and the fine-grained `docker-env:route:write`. It marks each file it writes with the
 * environment id (a YAML comment line, see `routeMark.ts`), never overwrites or deletes a file that lacks that mark
 * ({@link RouteFileNotOursError}), and changes a file only holding its {@link RouteLock}. One environment may own
 * several route files: `routeFileKey` is the route id (the file name without `.yml`).
 *
 * @public
 */
export class RouteWriter {
  constructor(
    readonly store: RouteStore,
    private readonly lock: RouteLock = OPERATION_HOLDS_LOCK,
  ) {}

  /** The same store behind another lock (an operation's writer handed to code that runs outside it, or back). */
  withLock(lock: RouteLock): RouteWriter {
    return new RouteWriter(this.store, lock);
  }

  /** Creates or replaces the file; refuses a file marked for someone else or unmarked. */
  async write(
    environmentId: string,
    routeFileKey: string,
    document: TraefikDynamicConfig,
  ): Promise<void> {
    await this.lock(environmentId, routeFileKey, async () => {
      await this.assertOurs(environmentId, routeFileKey, 'overwritten');
      await this.store.put(routeFileKey, document, environmentId);
    });
  }

  /**
   * Reads the file, applies `change` and writes the result when it differs: false when the file is missing or
   * unchanged. Read and write happen under one hold of the lock.
   */
  async update(
    environmentId: string,
    routeFileKey: string,
    change: (document: TraefikDynamicConfig) => TraefikDynamicConfig,
  ): Promise<boolean> {
    return this.lock(environmentId, routeFileKey, async () => {
      if (!(await this.assertOurs(environmentId, routeFileKey, 'overwritten')))
        return false;
      const document = await this.store.get(routeFileKey);
      if (!document) return false;
      const next = change(document);
      if (JSON.stringify(next) === JSON.stringify(document)) return false;
      await this.store.put(routeFileKey, next, environmentId);
      return true;
    });
  }

  /** Deletes the file: false when it is already gone; refuses a file marked for someone else or unmarked. */
  async remove(environmentId: string, routeFileKey: string): Promise<boolean> {
    return this.lock(environmentId, routeFileKey, async () => {
      if (!(await this.assertOurs(environmentId, routeFileKey, 'deleted')))
        return false;
      return this.store.remove(routeFileKey);
    });
  }

  /**
   * Marks a file the portal wrote before route files carried a mark (`RouteStore.legacy`) as `environmentId`'s,
   * content unchanged: true when it did. For the caller that knows the environment holds the file's name (the
   * reconciler); any other file is left as it is.
   */
  async adoptLegacy(
    environmentId: string,
    routeFileKey: string,
  ): Promise<boolean> {
    return this.lock(environmentId, routeFileKey, async () => {
      if (!(await this.store.legacy(routeFileKey))) return false;
      const document = await this.store.get(routeFileKey);
      if (!document) return false;
      await this.store.put(routeFileKey, document, environmentId);
      return true;
    });
  }

  /** Reads a route document (no lock: a read changes nothing). */
  get(routeFileKey: string): Promise<TraefikDynamicConfig | undefined> {
    return this.store.get(routeFileKey);
  }

  /**
   * The route files named `ids` sorted by their mark: `ours` carry `environmentId`'s, `others` do not (unmarked or
   * another environment's). The environment's rewrites and delete change only `ours`.
   */
  async sortByMark(
    environmentId: string,
    ids: string[],
  ): Promise<{ ours: string[]; others: string[] }> {
    const ours: string[] = [];
    const others: string[] = [];
    for (const id of ids) {
      const owner = await this.store.owner(id);
      if (owner === environmentId) ours.push(id);
      else if (owner !== undefined) others.push(id);
    }
    return { ours, others };
  }

  /** True when the file exists with our mark, false when there is none; throws when it is someone else's. */
  private async assertOurs(
    environmentId: string,
    routeFileKey: string,
    change: 'overwritten' | 'deleted',
  ): Promise<boolean> {
    const owner = await this.store.owner(routeFileKey);
    if (owner === undefined) return false;
    if (owner !== environmentId)
      throw new RouteFileNotOursError(
        routeFileName(routeFileKey),
        owner,
        environmentId,
        change,
      );
    return true;
  }
}
