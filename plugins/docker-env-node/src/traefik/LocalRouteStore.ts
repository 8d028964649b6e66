import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UpstreamApiError } from '../errors';
import {
  legacyText,
  ownerOfText,
  parseRouteDocument,
  RouteStore,
  routeFileName,
  routeIdOfFile,
  serializeRouteDocument,
  tempFileName,
} from './RouteStore';
import { TraefikDynamicConfig } from './types';

function ioError(operation: string, e: unknown): UpstreamApiError {
  const code = (e as NodeJS.ErrnoException)?.code;
  return new UpstreamApiError(
    `Traefik route file ${operation} failed${code ? `: ${code}` : ''}`,
    {
      system: 'traefik',
      reason: code,
      operation,
      cause: e,
    },
  );
}

/**
 * Route files in a local directory (Traefik on the same host, or a shared volume). The directory
 * is created (like `mkdir -p`, mode 0755) on the first write when it does not exist yet.
 *
 * @public
 */
export class LocalRouteStore implements RouteStore {
  constructor(readonly directory: string) {
    if (!path.isAbsolute(directory)) {
      throw new UpstreamApiError(
        'Traefik route directory must be an absolute path',
        {
          system: 'traefik',
          operation: 'config',
        },
      );
    }
  }

  async put(
    id: string,
    document: TraefikDynamicConfig,
    environmentId: string,
  ): Promise<void> {
    const fileName = routeFileName(id);
    const text = serializeRouteDocument(document, environmentId);
    const target = path.join(this.directory, fileName);
    const temp = path.join(
      this.directory,
      tempFileName(fileName, randomBytes(6).toString('hex')),
    );
    try {
      await fs.mkdir(this.directory, { recursive: true, mode: 0o755 });
      const handle = await fs.open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
      await this.syncDirectory();
    } catch (e) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw ioError(`write ${fileName}`, e);
    }
  }

  async remove(id: string): Promise<boolean> {
    const fileName = routeFileName(id);
    try {
      await fs.unlink(path.join(this.directory, fileName));
      await this.syncDirectory();
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw ioError(`remove ${fileName}`, e);
    }
  }

  async get(id: string): Promise<TraefikDynamicConfig | undefined> {
    const text = await this.read(id);
    return text === undefined ? undefined : parseRouteDocument(text, id);
  }

  async owner(id: string): Promise<string | null | undefined> {
    return ownerOfText(await this.read(id));
  }

  async legacy(id: string): Promise<boolean> {
    return legacyText(await this.read(id));
  }

  private async read(id: string): Promise<string | undefined> {
    const fileName = routeFileName(id);
    try {
      return await fs.readFile(path.join(this.directory, fileName), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(`read ${fileName}`, e);
    }
  }

  async list(): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.directory, { withFileTypes: true });
      return entries
        .filter(e => e.isFile())
        .map(e => routeIdOfFile(e.name))
        .filter((id): id is string => id !== undefined)
        .sort();
    } catch (e) {
      // not created yet (it is on the first write): no routes
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError('list', e);
    }
  }

  // makes the rename durable; best effort where directories cannot be opened for sync
  private async syncDirectory(): Promise<void> {
    const dir = await fs.open(this.directory, 'r').catch(() => undefined);
    if (!dir) return;
    try {
      await dir.sync();
    } catch {
      // some file systems refuse fsync on directories
    } finally {
      await dir.close();
    }
  }
}
