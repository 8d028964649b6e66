import path from 'node:path';
import { SshSession } from '../ssh';
import { assertAbsolutePosixPath } from '../validation';
import {
  legacyText,
  ownerOfText,
  parseRouteDocument,
  RouteStore,
  routeFileName,
  routeIdOfFile,
  serializeRouteDocument,
} from './RouteStore';
import { TraefikDynamicConfig } from './types';

/**
 * Route files on a remote Traefik host, over SFTP on a host-key-pinned SSH connection. Writes
 * use a hidden temp file, fsync@openssh.com and posix-rename@openssh.com, so the target is
 * replaced atomically.
 *
 * @public
 */
export class SftpRouteStore implements RouteStore {
  private readonly directory: string;

  constructor(private readonly session: SshSession, directory: string) {
    this.directory = assertAbsolutePosixPath(
      directory,
      'dockerEnv.traefik.sftp.directory',
    );
  }

  async put(
    id: string,
    document: TraefikDynamicConfig,
    environmentId: string,
  ): Promise<void> {
    const fileName = routeFileName(id);
    const text = serializeRouteDocument(document, environmentId);
    await this.session.writeFileAtomic(
      path.posix.join(this.directory, fileName),
      text,
      { mode: 0o644 },
    );
  }

  async remove(id: string): Promise<boolean> {
    return this.session.removeFile(
      path.posix.join(this.directory, routeFileName(id)),
    );
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
    const content = await this.session.readFile(
      path.posix.join(this.directory, routeFileName(id)),
    );
    return content?.toString('utf8');
  }

  async list(): Promise<string[]> {
    const names = await this.session.listFiles(this.directory);
    return names
      .map(routeIdOfFile)
      .filter((id): id is string => id !== undefined)
      .sort();
  }

  /** Closes the SSH connection. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}
