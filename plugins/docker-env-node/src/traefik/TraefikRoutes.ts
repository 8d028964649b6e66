import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { SshClient } from '../ssh';
import { assertDnsLabel } from '../validation';
import {
  buildRouteDocument,
  ROUTE_ID_PREFIX,
  routeId,
} from './buildRouteDocument';
import { LocalRouteStore } from './LocalRouteStore';
import { RouteStore } from './RouteStore';
import { SftpRouteStore } from './SftpRouteStore';
import { RouteSpec, TraefikDynamicConfig, TraefikRouteSettings } from './types';

/** Route management for docker environments on Traefik's file provider. */
export interface TraefikRouteClient {
  /** Builds, validates and atomically writes one route (create or replace); returns its id. */
  putRoute(
    spec: RouteSpec,
  ): Promise<{ id: string; document: TraefikDynamicConfig }>;
  /** Removes one route (idempotent). */
  removeRoute(environment: string, name?: string): Promise<boolean>;
  /** Reads a route's document. */
  getRoute(
    environment: string,
    name?: string,
  ): Promise<TraefikDynamicConfig | undefined>;
  /** Ids of the environment's routes (its main route and container routes). */
  listEnvironmentRoutes(environment: string): Promise<string[]>;
  /** Removes every route of the environment; returns the removed ids. */
  removeEnvironment(environment: string): Promise<string[]>;
}

/** Writes one YAML file per route through a {@link RouteStore} (local directory or SFTP). */
export class TraefikRoutes implements TraefikRouteClient {
  /**
   * Reads `dockerEnv.traefik`: route settings plus either `directory` (local) or `sftp`
   * (remote Traefik host with a pinned host key).
   */
  static fromConfig(config: Config): TraefikRoutes {
    const c = config.getConfig('dockerEnv.traefik');
    const settings: TraefikRouteSettings = {
      baseDomain: c.getString('baseDomain'),
      entryPoints: c.getOptionalStringArray('entryPoints'),
      tls: c.getOptionalBoolean('tls'),
      certResolver: c.getOptionalString('certResolver'),
      wildcardCertificate: c.getOptionalBoolean('wildcardCertificate'),
      middlewares: c.getOptionalStringArray('middlewares'),
      maintenanceService: c.getOptionalString('maintenanceService'),
    };
    return new TraefikRoutes(routeStoreFromConfig(config), settings);
  }

  constructor(
    readonly store: RouteStore,
    private readonly settings: TraefikRouteSettings,
  ) {}

  async putRoute(spec: RouteSpec) {
    const built = buildRouteDocument(spec, this.settings);
    await this.store.put(built.id, built.document);
    return built;
  }

  async removeRoute(environment: string, name?: string) {
    return this.store.remove(routeId(environment, name));
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

  async removeEnvironment(environment: string) {
    const ids = await this.listEnvironmentRoutes(environment);
    for (const id of ids) await this.store.remove(id);
    return ids;
  }
}

/** Picks the route store from `dockerEnv.traefik.directory` or `dockerEnv.traefik.sftp`. */
export function routeStoreFromConfig(config: Config): RouteStore {
  const c = config.getConfig('dockerEnv.traefik');
  const directory = c.getOptionalString('directory');
  const sftp = c.getOptionalConfig('sftp');
  if (directory !== undefined && sftp) {
    throw new InputError(
      'dockerEnv.traefik: set either directory or sftp, not both',
    );
  }
  if (directory !== undefined) return new LocalRouteStore(directory);
  if (sftp) {
    const session = new SshClient({
      host: sftp.getString('host'),
      port: sftp.getOptionalNumber('port') ?? 22,
      username: sftp.getString('username'),
      privateKey: sftp.getString('privateKey'),
      passphrase: sftp.getOptionalString('passphrase'),
      hostKeySha256: sftp.getString('hostKey'),
    });
    return new SftpRouteStore(session, sftp.getString('directory'));
  }
  throw new InputError(
    'dockerEnv.traefik: one of directory or sftp is required',
  );
}
