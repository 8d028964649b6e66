import type { Lab } from './startLab';

/** What {@link labClientConfig} may vary. */
export interface LabClientConfigOptions {
  /** The route folder the portal writes (and the lab's edge serves, when it has one). */
  routesDir: string;
  /** `dockerEnv.docker.kind`: Portainer's Docker proxy (the product's default) or the guest's engine. */
  docker?: 'portainer' | 'tcp';
  /** `dockerEnv.traefik.baseDomain`; default `docker.example.com`. */
  baseDomain?: string;
}

/**
 * The `dockerEnv` config block (Proxmox, NetBox, Portainer, Traefik, Docker) that points the production clients
 * at a started lab: one place for every test and benchmark that drives the clients against the lab.
 */
export function labClientConfig(lab: Lab, options: LabClientConfigOptions) {
  // the TLS lab is verified (its CAs trusted by the process, e.g. NODE_EXTRA_CA_CERTS), never skipped
  const allowInsecure = !lab.tls;
  return {
    proxmox: {
      baseUrl: lab.urls.proxmox.replace(/\/api2\/json$/, ''),
      allowInsecure,
      tokenId: lab.credentials.proxmox.tokenId,
      tokenSecret: lab.credentials.proxmox.tokenSecret,
    },
    netbox: {
      baseUrl: lab.urls.netbox,
      allowInsecure,
      token: lab.credentials.netbox.token,
    },
    portainer: {
      baseUrl: lab.urls.portainer.replace(/\/api$/, ''),
      allowInsecure,
      apiKey: lab.credentials.portainer.apiKey,
    },
    traefik: {
      baseDomain: options.baseDomain ?? 'docker.example.com',
      // the lab edge's plain-HTTP entry point
      entryPoints: ['web'],
      tls: false,
      directory: options.routesDir,
    },
    docker: { kind: options.docker ?? 'portainer', allowInsecure: true },
  };
}
