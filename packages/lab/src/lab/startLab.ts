import { EdgeRouter } from '../edge';
import type { EdgeLogger } from '../edge';
import { GuestFleet } from '../guest';
import { loadLabState, saveLabState } from './stateFile';
import { claimGuestIpBlock, holdGuestIpBlock } from './guestIpBlock';
import { NETBOX_LAB_TOKEN_V2, NetBoxSimulator } from '../netbox';
import { PORTAINER_LAB_API_KEY, PortainerSimulator } from '../portainer';
import { DEFAULT_PROXMOX_SIM_TOKEN, ProxmoxSimulator } from '../proxmox';
import { AgentLink } from '../tls/agentSignature';
import { startTlsEdge, type TlsEdge } from '../tls/edgeTls';
import {
  GitLabSimulator,
  type LabGitLabOptions,
  labGitLabSetup,
} from '../gitlab';
import { type LabCaFiles, type LabTlsOptions, makeLabTls } from '../tls/labTls';
import type { LabImageSpec } from '../guest/images';
import {
  applyPortainerUsers,
  labPortainerUsers,
  labRegistryImages,
} from './labPortainerUsers';

/** Options of {@link startLab}. */
export interface LabOptions {
  /** Multiplier for every simulated latency; 0 makes the lab instant. Default 1 (realistic). */
  latencyScale?: number;
  /** Fixed ports on 127.0.0.1; 0 or unset picks free ones. */
  ports?: { proxmox?: number; netbox?: number; portainer?: number };
  /**
   * Second octet of the guests' addresses (127.<block>.x.y), 11-250. Default: a random block,
   * so labs started side by side (parallel test files) never collide.
   */
  guestIpBlock?: number;
  /**
   * The edge router (Traefik's stand-in) serving the route folder on 127.0.0.1: on when a
   * directory is given. `port` 0 or unset picks a free one (the embedded default uses 18000).
   */
  edge?: { directory: string; port?: number; logger?: EdgeLogger };
  /**
   * A JSON file that keeps the lab's state across restarts (the embedded default uses one under
   * `.lab-data/`): loaded at start when present, written every few seconds and at stop.
   */
  stateFile?: string;
  /**
   * TLS mode, with the real systems' trust relations: Proxmox, NetBox and Portainer on HTTPS (CA
   * files written to `tls.caDir`), agents on HTTPS honouring `AGENT_SECRET`, fresh credentials.
   */
  tls?: LabTlsOptions;
  /** The lab's GitLab (sign-in, OAuth provider): its port and the portal's callback URLs. */
  gitlab?: LabGitLabOptions;
  /** Images the guests can pull besides the public ones and the private `team-a/app:1`. */
  registryImages?: LabImageSpec[];
}

/** The running lab: every simulator, the guests, and what a client needs to reach them. */
export interface Lab {
  proxmox: ProxmoxSimulator;
  netbox: NetBoxSimulator;
  portainer: PortainerSimulator;
  /** GitLab: sign-in and the OAuth provider the portal's GitLab sign-in uses. */
  gitlab: GitLabSimulator;
  guests: GuestFleet;
  /** The edge router, when started (`options.edge`). */
  edge?: EdgeRouter;
  /** Base URLs as the production clients expect them in app-config. */
  urls: {
    proxmox: string;
    netbox: string;
    portainer: string;
    edge?: string;
  };
  /** The credentials the simulators accept (lab values, not secrets). */
  credentials: {
    proxmox: { tokenId: string; tokenSecret: string };
    netbox: { token: string };
    portainer: { apiKey: string };
  };
  /** The lab GitLab's portal application (`clientId`, `clientSecret`) and its users' passwords. */
  gitlabLogin: {
    clientId: string;
    clientSecret: string;
    users: Array<{ username: string; password: string }>;
  };
  /** The example org's users in Portainer (`POST /api/auth`): `lab-password` in the embedded default. */
  portainerLogin: { users: Array<{ username: string; password: string }> };
  /**
   * What the guests can pull (shared by every guest): setting an entry's `auth` plays a rotation of
   * that registry's token.
   */
  registryImages: LabImageSpec[];
  /**
   * TLS mode only: the CA files written, Portainer's `AGENT_SECRET` and, with an edge, its TLS side
   * (`websecure`, the ACME resolver and its certificates).
   */
  tls?: { caFiles: LabCaFiles; agentSecret: string; edge?: TlsEdge };
  /** Stops every simulator and guest. */
  stop(): Promise<void>;
}

/** The embedded default's fixed credentials (lab values, not secrets). */
function labDefaultCredentials() {
  return {
    proxmox: {
      tokenId: DEFAULT_PROXMOX_SIM_TOKEN.id,
      tokenSecret: DEFAULT_PROXMOX_SIM_TOKEN.secret,
    },
    netbox: { token: NETBOX_LAB_TOKEN_V2 },
    portainer: { apiKey: PORTAINER_LAB_API_KEY },
  };
}

/**
 * Starts the whole lab on loopback: Proxmox VE (whose containers boot simulated guests with a
 * Portainer agent and a Docker engine on their own 127.10.x.y address), NetBox and Portainer.
 */
export async function startLab(options: LabOptions = {}): Promise<Lab> {
  const latencyScale = options.latencyScale ?? 1;
  const tls = options.tls ? makeLabTls(options.tls) : undefined;
  const registryImages = labRegistryImages(options.registryImages);
  const portainerUsers = labPortainerUsers(Boolean(tls));
  const guests = new GuestFleet({
    latencyScale,
    registry: registryImages,
    ...(tls ? { agentTls: { secret: tls.guestAgentSecret } } : {}),
  });
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    // a block chosen by the caller is held as well when free, so that no other lab picks it
    const claim =
      options.guestIpBlock === undefined
        ? await claimGuestIpBlock()
        : await holdGuestIpBlock(options.guestIpBlock);
    if (claim) started.push({ stop: claim.release });
    const guestIpBlock = options.guestIpBlock ?? claim!.block;
    const proxmox = await ProxmoxSimulator.start({
      latencyScale,
      guests,
      guestIpBlock,
      port: options.ports?.proxmox,
      ...(tls
        ? {
            tls: tls.servers.proxmox,
            tokens: [
              {
                id: tls.credentials.proxmox.tokenId,
                secret: tls.credentials.proxmox.tokenSecret,
              },
            ],
          }
        : {}),
    });
    started.push(proxmox);
    const netbox = await NetBoxSimulator.start({
      latencyScale,
      port: options.ports?.netbox,
      ...(tls
        ? { tls: tls.servers.netbox, tokens: [tls.credentials.netbox.token] }
        : {}),
    });
    started.push(netbox);
    const portainer = await PortainerSimulator.start({
      latencyScale,
      port: options.ports?.portainer,
      ...portainerUsers,
      ...(tls
        ? {
            tls: tls.servers.portainer,
            apiKeys: [tls.credentials.portainer.apiKey],
            agentLink: new AgentLink(tls.agentSecret),
          }
        : {}),
    });
    started.push(portainer);
    const gitlabSetup = labGitLabSetup(Boolean(tls), options.gitlab);
    const gitlab = await GitLabSimulator.start({
      ...gitlabSetup,
      port: options.gitlab?.port,
      tls: tls?.servers.gitlab,
    });
    started.push(gitlab);
    const gitlabLogin = {
      clientId: gitlabSetup.applications[0].uid,
      clientSecret: gitlabSetup.applications[0].secret,
      users: gitlabSetup.users.map(u => ({
        username: u.username,
        password: u.password,
      })),
    };
    const tlsEdge =
      options.edge && tls
        ? await startTlsEdge({
            directory: options.edge.directory,
            caFiles: tls.caFiles,
            domain: options.tls?.domain ?? 'docker-env.test',
            resolver: options.tls?.resolver ?? 'lab-acme',
            webPort: options.edge.port,
            httpsPort: options.tls?.httpsPort,
            logger: options.edge.logger,
          })
        : undefined;
    if (tlsEdge) started.push(tlsEdge);
    let edge = tlsEdge?.edge;
    if (options.edge && !tlsEdge) {
      edge = await EdgeRouter.start({
        directory: options.edge.directory,
        entryPoints: [{ name: 'web', port: options.edge.port }],
        logger: options.edge.logger,
      });
      started.push(edge);
    }
    let saver: NodeJS.Timeout | undefined;
    const stateFile = options.stateFile;
    if (stateFile) {
      const sims = { proxmox, netbox, portainer, guests };
      await loadLabState(stateFile, sims);
      applyPortainerUsers(portainer.state, portainerUsers);
      saver = setInterval(() => {
        try {
          saveLabState(stateFile, sims);
        } catch {
          // the next tick or stop() tries again
        }
      }, 5000);
      saver.unref();
      started.push({
        async stop() {
          clearInterval(saver);
          saveLabState(stateFile, sims);
        },
      });
    }

    return {
      proxmox,
      netbox,
      portainer,
      gitlab,
      guests,
      edge,
      urls: {
        proxmox: proxmox.url,
        netbox: netbox.url,
        portainer: portainer.url,
        ...(edge ? { edge: edge.url() } : {}),
      },
      ...(tls
        ? {
            tls: {
              caFiles: tls.caFiles,
              agentSecret: tls.agentSecret,
              edge: tlsEdge,
            },
          }
        : {}),
      credentials: tls?.credentials ?? labDefaultCredentials(),
      gitlabLogin,
      portainerLogin: {
        users: [
          { username: 'admin', password: portainerUsers.adminPassword },
          ...portainerUsers.users.map(u => ({ ...u })),
        ],
      },
      registryImages,
      async stop() {
        // the state file is written first, while every guest still runs
        for (const s of started.reverse()) await s.stop();
        await guests.stopAll();
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    await guests.stopAll().catch(() => {});
    throw error;
  }
}
