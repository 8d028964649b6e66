import { InputError } from '@backstage/errors';
import YAML from 'yaml';
import { assertSafeName } from '../validation';
import { assertValidRouteDocument } from './checkDocument';
import {
  isLegacyRouteFile,
  ROUTE_FILE_HEADER,
  routeMarkLine,
  routeMarkOf,
} from './routeMark';
import { TraefikDynamicConfig } from './types';

/**
 * Where route documents live: one YAML file per route in Traefik's file-provider directory.
 * Writes are atomic (temp file + rename), so Traefik never reads a half-written file. The store
 * does no ownership check: every change goes through the {@link RouteWriter}, which does.
 *
 * @public
 */
export interface RouteStore {
  /** Validates and atomically writes (creates or replaces) the route's file, marked with `environmentId`. */
  put(
    id: string,
    document: TraefikDynamicConfig,
    environmentId: string,
  ): Promise<void>;
  /** Deletes the route's file; true when it existed. Idempotent. */
  remove(id: string): Promise<boolean>;
  /** Reads and parses the route's file, or undefined when absent. */
  get(id: string): Promise<TraefikDynamicConfig | undefined>;
  /**
   * The environment id the route file's mark names: null for a file without our mark, undefined when there is no
   * file. Reads the mark only, so a file that is not a route document still answers.
   */
  owner(id: string): Promise<string | null | undefined>;
  /** True for a file the portal wrote before route files carried a mark (`isLegacyRouteFile`). */
  legacy(id: string): Promise<boolean>;
  /** Ids of all route files (`<id>.yml`) in the directory, sorted. */
  list(): Promise<string[]>;
}

/** File extension of route files (Traefik reads only .yml, .yaml and .toml). */
export const ROUTE_FILE_EXTENSION = '.yml';

/**
 * Validates a route id and returns its file name `<id>.yml`.
 *
 * @public
 */
export function routeFileName(id: string): string {
  assertSafeName(id, 'route id', 128);
  return `${id}${ROUTE_FILE_EXTENSION}`;
}

/** The route id of a directory entry, or undefined for files that are not route files. */
export function routeIdOfFile(fileName: string): string | undefined {
  if (!fileName.endsWith(ROUTE_FILE_EXTENSION)) return undefined;
  const id = fileName.slice(0, -ROUTE_FILE_EXTENSION.length);
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(id) ? id : undefined;
}

/**
 * Temp file name in the same directory: hidden and NOT ending in .yml/.yaml/.toml, so
 * Traefik's directory watcher ignores it until the rename.
 */
export function tempFileName(fileName: string, random: string): string {
  return `.${fileName}.tmp-${random}`;
}

/**
 * Validates a document (runtime structural rules) and serialises it to YAML, headed by the mark of
 * `environmentId` (a comment line: Traefik never sees it).
 *
 * @public
 */
export function serializeRouteDocument(
  document: TraefikDynamicConfig,
  environmentId: string,
): string {
  assertValidRouteDocument(document);
  return `${ROUTE_FILE_HEADER}\n${routeMarkLine(
    environmentId,
  )}\n${YAML.stringify(document, { lineWidth: 0 })}`;
}

/** Whether a route file's text is a legacy one (see {@link RouteStore.legacy}). */
export function legacyText(text: string | undefined): boolean {
  return text !== undefined && isLegacyRouteFile(text);
}

/** The owner of a route file's text (see {@link RouteStore.owner}). */
export function ownerOfText(
  text: string | undefined,
): string | null | undefined {
  if (text === undefined) return undefined;
  return routeMarkOf(text) ?? null;
}

/**
 * Parses a route file; throws InputError when it is not a valid route document.
 *
 * @public
 */
export function parseRouteDocument(
  text: string,
  id: string,
): TraefikDynamicConfig {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new InputError(
      `route ${id}: file is not valid YAML (${(e as Error).message})`,
    );
  }
  assertValidRouteDocument(doc);
  return doc;
}
