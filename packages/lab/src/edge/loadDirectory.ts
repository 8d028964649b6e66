import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import YAML from 'yaml';
import { emptyMaps, traefikSchemaValidator } from '../contracts';
import type { EdgeLogger, HttpDynamicConfig } from './types';

/** The file extensions Traefik's file provider reads (case-insensitive); everything else is skipped. */
export function isRouteFile(name: string): boolean {
  return /\.(ya?ml|toml)$/i.test(name);
}

/** A file the provider cannot decode: the whole directory load fails, as in Traefik. */
export class RouteFileError extends Error {}

let validator: ((doc: unknown) => string[]) | undefined;

function decode(file: string, text: string): HttpDynamicConfig {
  let doc: unknown;
  try {
    doc = /\.toml$/i.test(file) ? parseToml(text) : YAML.parse(text);
  } catch (e) {
    throw new RouteFileError(`${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  // an empty file decodes to an empty configuration
  if (doc === null || doc === undefined) return {};
  validator ??= traefikSchemaValidator();
  const errors = validator(doc);
  if (errors.length > 0) {
    throw new RouteFileError(
      `${file}: does not match the Traefik v3 file-provider schema: ${errors
        .slice(0, 5)
        .join('; ')}`,
    );
  }
  // paerser refuses an empty map ("... cannot be a standalone element")
  const empty = emptyMaps(doc);
  if (empty.length > 0) {
    throw new RouteFileError(
      `${file}: ${empty[0].replace(
        /^\./,
        '',
      )} cannot be a standalone element (an empty map)`,
    );
  }
  return (doc as { http?: HttpDynamicConfig }).http ?? {};
}

type Section = 'routers' | 'services' | 'middlewares';

/**
 * Loads every `.yml`/`.yaml`/`.toml` file in `directory` and its subdirectories (in name order)
 * and merges them the way Traefik's file provider does: the first definition of a name wins, a
 * later one is skipped with a warning. Any file that cannot be decoded (or does not validate
 * against the Traefik v3 file-provider schema) fails the whole load with a {@link RouteFileError}.
 */
export async function loadRouteDirectory(
  directory: string,
  logger: EdgeLogger,
): Promise<{ config: HttpDynamicConfig; files: string[] }> {
  const merged: Required<Pick<HttpDynamicConfig, Section>> = {
    routers: {},
    services: {},
    middlewares: {},
  };
  const files: string[] = [];
  const walk = async (dir: string) => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort(
      (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!isRouteFile(entry.name)) continue;
      let text: string;
      try {
        text = await fs.readFile(full, 'utf8');
      } catch (e) {
        // renamed or removed between readdir and read: the next event reloads again
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw new RouteFileError(
          `${full}: error reading configuration file: ${(e as Error).message}`,
        );
      }
      const http = decode(full, text);
      files.push(full);
      for (const section of ['routers', 'services', 'middlewares'] as const) {
        for (const [name, value] of Object.entries(http[section] ?? {})) {
          if (name in merged[section]) {
            logger.warn(
              `${full}: HTTP ${section.slice(
                0,
                -1,
              )} ${name} already configured, skipping`,
            );
          } else {
            (merged[section] as Record<string, unknown>)[name] = value;
          }
        }
      }
    }
  };
  try {
    await walk(directory);
  } catch (e) {
    if (e instanceof RouteFileError) throw e;
    throw new RouteFileError(
      `unable to read directory ${directory}: ${(e as Error).message}`,
    );
  }
  return { config: merged, files };
}
