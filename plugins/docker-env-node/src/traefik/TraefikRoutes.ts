import { Config } from '@backstage/config';
import {
  ConfigError,
  buildFromConfig,
  readPath,
  readSshConfig,
} from '../config';
import { SshClient } from '../ssh';
import { assertDnsLabel } from '../validation';
import {
  buildRouteDocument,
  ROUTE_ID_PREFIX,
  routeId,
} from './buildRouteDocument';
import { LocalRouteStore } from './LocalRouteStore';
import { RouteStore } from './RouteStore';
import { RouteWriter } from './RouteWriter';
import { SftpRouteStore } from './SftpRouteStore';
import { RouteSpec, TraefikDynamicConfig, TraefikRouteSettings } from './types';

/**
 * Route management for docker environments on Traefik's file provider.
 *
 * @public
 */
export interface TraefikRouteClient {
  /**
   * Builds, validates and atomically writes one route of the environment `environmentId` (create or replace, through
   * the {@link RouteWriter}: refused for a file without its mark); returns its id.
   */
  putRoute(
    environmentId: string,
    spec: RouteSpec,
  ): Promise<{ id: string; document: TraefikDynamicConfig }>;
  /** Removes one route of the environment `environmentId` (idempotent; refused for a file without its mark). */
  removeRoute(
    environmentId: string,
    environment: string,
    name?: string,
  ): Promise<boolean>;
  /**
   * Marks a route file an earlier version wrote before route files carried a mark as `environmentId`'s (for a
   * caller that holds the environment and so its name, such as a deployment); true when it did.
   */
  adoptLegacyRoute(
    environmentId: string,
    environment: string,
    name?: string,
  ): Promise<boolean>;
  /** Reads a route's document. */
  getRoute(
    environment: string,
    name?: string,
  ): Promise<TraefikDynamicConfig | undefined>;
  /** Ids of the route files named for the environment (its main route and container routes), whoever marked them. */
  listEnvironmentRoutes(environment: string): Promise<string[]>;
  /** Removes every route file of the environment that carries its mark; returns the removed ids. */
  removeEnvironment(
    environmentId: string,
    environment: string,
  ): Promise<string[]>;
}

/**
 * Writes one YAML file per route through a {@link RouteStore} (local directory or SFTP).
 *
 * @public
 */
export class TraefikRoutes implements TraefikRouteClient {
  /**
   * Reads `dockerEnv.traefik`: route settings plus either `directory` (local) or `sftp`
   * (remote Traefik host with a pinned host key).
   */
  static fromConfig(config: Config): TraefikRoutes {
    const section = 'dockerEnv.traefik';
    return buildFromConfig(section, () => {
      const c = config.getConfig(section);
      const settings: TraefikRouteSettings = {
        baseDomain: c.getString('baseDomain'),
        entryPoints: c.getOptionalStringArray('entryPoints'),
        tls: c.getOptionalBoolean('tls'),
        certResolver: c.getOptionalString('certResolver'),
        wildcardCertificate: c.getOptionalBoolean('wildcardCertificate'),
        middlewares: c.getOptionalStringArray('middlewares'),
        maintenanceService: c.getOptionalString('maintenanceService'),
      };
      // builds the route document once so a bad setting fails here, at start-up
      buildRouteDocument(
        {
          environment: 'config-check',
          target: { kind: 'backend', backend: { ip: '127.0.0.1', port: 80 } },
        },
        settings,
      );
      return new TraefikRoutes(routeStoreFromConfig(config), settings);
    });
  }

  constructor(
    readonly store: RouteStore,
    readonly settings: TraefikRouteSettings,
  ) {}

  /**
   * The writer every change goes through, on the current store. Its callers are operation steps (which hold their
   * environment) and `docker-env:route:write` (hosts no environment holds), so it takes no lock of its own.
   */
  get writer(): RouteWriter {
    return new RouteWriter(this.store);
  }

  async putRoute(environmentId: string, spec: RouteSpec) {
    const built = buildRouteDocument(spec, this.settings);
    await this.writer.write(environmentId, built.id, built.document);
    return built;
  }

  async removeRoute(environmentId: string, environment: string, name?: string) {
    return this.writer.remove(environmentId, routeId(environment, name));
  }

  async adoptLegacyRoute(
    environmentId: string,
    environment: string,
    name?: string,
  ) {
    return this.writer.adoptLegacy(environmentId, routeId(environment, name));
  }

  async getRoute(environment: string, name?: string) {
    return this.store.get(routeId(environment, name));
  }

  async listEnvironmentRoutes(environment: string) {
    const env = assertDnsLabel(environment, 'environment');
    const main = `${ROUTE_ID_PREFIX}${env}`;
    return (await this.store.list()).filter(
      id => id === main || id.startsWith(`${main}_`),
    );
  }

  async removeEnvironment(environmentId: string, environment: string) {
    const writer = this.writer;
    const { ours } = await writer.sortByMark(
      environmentId,
      await this.listEnvironmentRoutes(environment),
    );
    for (const id of ours) await writer.remove(environmentId, id);
    return ours;
  }
}

/**
 * Picks the route store from `dockerEnv.traefik.directory` (a relative path resolves against the
 * backend's working directory) or `dockerEnv.traefik.sftp` (the SshConfig shape plus `directory`).
 *
 * @public
 */
export function routeStoreFromConfig(config: Config): RouteStore {
  const section = 'dockerEnv.traefik';
  return buildFromConfig(section, () => {
    const c = config.getConfig(section);
    const directory = readPath(c, 'directory');
    const sftp = c.getOptionalConfig('sftp');
    if (directory !== undefined && sftp)
      throw new ConfigError(
        `${section}: set either directory or sftp, not both`,
      );
    if (directory !== undefined) return new LocalRouteStore(directory);
    if (!sftp)
      throw new ConfigError(`${section}: one of directory or sftp is required`);
    const ssh = readSshConfig(sftp, `${section}.sftp`);
    const session = new SshClient({
      host: sftp.getString('host'),
      port: ssh.port ?? 22,
      username: sftp.getString('username'),
      privateKey: ssh.privateKey,
      passphrase: ssh.passphrase,
      hostKeySha256: sftp.getString('hostKey'),
      connectTimeoutMs: ssh.connectTimeoutMs,
      commandTimeoutMs: ssh.timeoutMs,
    });
    return new SftpRouteStore(session, sftp.getString('directory'));
  });
}
