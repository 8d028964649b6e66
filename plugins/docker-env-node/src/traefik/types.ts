/**
 * The subset of Traefik v3 dynamic configuration (file provider) that the route writer produces.
 * Shapes follow the `http` section of the Traefik v3 file-provider schema.
 *
 * @public
 */
export interface TraefikDynamicConfig {
  http: {
    routers?: Record<string, TraefikRouter>;
    services?: Record<string, TraefikService>;
    /** Only `stripPrefix` (a path route from the `docker-env.route.strip-prefix` label). */
    middlewares?: Record<string, TraefikMiddleware>;
  };
}

/**
 * A middleware the writer defines: the prefixes a path route strips before the request reaches its service.
 *
 * @public
 */
export interface TraefikMiddleware {
  stripPrefix: { prefixes: string[] };
}

/**
 * An HTTP router.
 *
 * @public
 */
export interface TraefikRouter {
  rule: string;
  service: string;
  entryPoints?: string[];
  middlewares?: string[];
  priority?: number;
  tls?: {
    certResolver?: string;
    domains?: Array<{ main: string; sans?: string[] }>;
  };
}

/**
 * Health check of a load-balancer service.
 *
 * @public
 */
export interface TraefikHealthCheck {
  path: string;
  interval?: string;
  timeout?: string;
}

/**
 * An HTTP service: exactly one of loadBalancer or weighted.
 *
 * @public
 */
export type TraefikService =
  | {
      loadBalancer: {
        servers: Array<{ url: string }>;
        healthCheck?: TraefikHealthCheck;
        passHostHeader?: boolean;
      };
    }
  | { weighted: { services: Array<{ name: string; weight: number }> } };

/**
 * A backend server: `http://<ip>:<port>`.
 *
 * @public
 */
export interface RouteBackend {
  /** IPv4 address of the environment (container). */
  ip: string;
  port: number;
  /** Defaults to `http`. */
  scheme?: 'http' | 'https';
}

/**
 * Where a route sends its traffic.
 *
 * @public
 */
export type RouteTarget =
  | { kind: 'backend'; backend: RouteBackend; healthCheck?: TraefikHealthCheck }
  | {
      /**
       * Blue-green: both sides in one weighted service, so switching is one atomic write.
       * A side with weight 0 is left out of the document entirely.
       */
      kind: 'blueGreen';
      blue: RouteBackend;
      green: RouteBackend;
      weights: { blue: number; green: number };
      healthCheck?: TraefikHealthCheck;
    }
  | {
      /**
       * Maintenance/offline: Traefik has no "disabled" flag, so the router points at a
       * maintenance service instead: either a service defined elsewhere (`maintenance@file`)
       * or a URL served by a maintenance page server.
       */
      kind: 'maintenance';
      service?: string;
      url?: string;
    };

/**
 * Routing for one environment or one of its containers; stored as one file.
 *
 * @public
 */
export interface RouteSpec {
  /** Environment name: a DNS label; the route host is `<environment>.<baseDomain>`. */
  environment: string;
  /**
   * Optional name of a container route within the environment (a DNS label). Absent for the
   * environment's main route.
   */
  name?: string;
  /** Host based container route: `<subdomain>.<environment>.<baseDomain>`. */
  subdomain?: string;
  /** Path based container route: `Host(<environment host>) && PathPrefix(<pathPrefix>)`. */
  pathPrefix?: string;
  target: RouteTarget;
  /** Middlewares (by name, e.g. `auth@file`) added after the configured default ones. */
  middlewares?: string[];
}

/**
 * Deployment-wide settings applied to every route (from `dockerEnv.traefik`).
 *
 * @public
 */
export interface TraefikRouteSettings {
  baseDomain: string;
  /** Defaults to `['websecure']`. */
  entryPoints?: string[];
  /** Terminate TLS on the routers (default true; set false for plain-HTTP entry points). */
  tls?: boolean;
  certResolver?: string;
  /** Add `tls.domains` for the `*.<baseDomain>` wildcard certificate. */
  wildcardCertificate?: boolean;
  /** Middlewares applied to every router. */
  middlewares?: string[];
  /** Maintenance service used when a maintenance target names neither service nor url. */
  maintenanceService?: string;
}
