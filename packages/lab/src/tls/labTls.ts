import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createCa, issueServerCert, type KeyAndCert } from './pki';

/** Options of the lab's TLS mode (`startLab({ tls })`, `npm run lab -- --tls`). */
export interface LabTlsOptions {
  /** Where the CA files are written (created when missing). */
  caDir: string;
  /** Portainer's `AGENT_SECRET`; default a fresh random one. */
  agentSecret?: string;
  /**
   * The `AGENT_SECRET` the golden template's agents carry; default Portainer's. A different
   * value plays a template built for another Portainer: provisioning then fails at `portainer`.
   */
  guestAgentSecret?: string;
  /** The base domain the edge's default certificate covers (with `*.<domain>`); default `docker-env.test`. */
  domain?: string;
  /** The ACME resolver's name (routers' `tls.certResolver`); default `lab-acme`. */
  resolver?: string;
  /** Port of the edge's `websecure` entry point; 0 or unset picks a free one. */
  httpsPort?: number;
}

/** The CA files the TLS lab writes: what a client trusts to verify each service. */
export interface LabCaFiles {
  /** PVE's cluster CA (`/etc/pve/pve-root-ca.pem` on a real node), signer of the node's certificate. */
  proxmox: string;
  /** The third CA (the organisation's internal one), NetBox's and GitLab's issuer. */
  netbox: string;
  /** Portainer's self-signed certificate itself (its own trust anchor). */
  portainer: string;
  /** pebble's root (changes each start): verifies the edge's resolver-issued certificates. */
  acmeRoot: string;
  /** Every file above in one (for `NODE_EXTRA_CA_CERTS`); the edge adds its ACME root. */
  bundle: string;
}

/** Everything the TLS lab is started with: fresh for each run. */
export interface LabTlsMaterial {
  servers: {
    proxmox: KeyAndCert;
    netbox: KeyAndCert;
    portainer: KeyAndCert;
    gitlab: KeyAndCert;
  };
  caFiles: LabCaFiles;
  agentSecret: string;
  guestAgentSecret: string;
  credentials: {
    proxmox: { tokenId: string; tokenSecret: string };
    netbox: { token: string };
    portainer: { apiKey: string };
  };
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'];

function writePem(file: string, pem: string) {
  fs.writeFileSync(file, pem, { mode: 0o644 });
}

/**
 * Makes the TLS lab's trust relations, as on real systems: Proxmox's certificate signed by its own
 * cluster CA, NetBox's by a third CA, Portainer's self-signed; the CA files written to
 * `options.caDir`; and credentials made afresh (never the embedded default's fixed ones).
 */
export function makeLabTls(options: LabTlsOptions): LabTlsMaterial {
  fs.mkdirSync(options.caDir, { recursive: true });
  const pveCa = createCa(
    'Proxmox Virtual Environment',
    'PVE Cluster Manager CA',
  );
  const netboxCa = createCa('Lab NetBox CA', 'docker-env lab');
  const servers = {
    proxmox: issueServerCert(['pve', ...LOOPBACK_NAMES], pveCa),
    netbox: issueServerCert(LOOPBACK_NAMES, netboxCa),
    // the organisation's internal CA signs GitLab's too
    gitlab: issueServerCert(LOOPBACK_NAMES, netboxCa),
    portainer: issueServerCert(LOOPBACK_NAMES),
  };
  const caFiles: LabCaFiles = {
    proxmox: path.join(options.caDir, 'pve-root-ca.pem'),
    netbox: path.join(options.caDir, 'netbox-ca.pem'),
    portainer: path.join(options.caDir, 'portainer-cert.pem'),
    acmeRoot: path.join(options.caDir, 'edge-acme-root.pem'),
    bundle: path.join(options.caDir, 'lab-ca-bundle.pem'),
  };
  writePem(caFiles.proxmox, pveCa.cert);
  writePem(caFiles.netbox, netboxCa.cert);
  writePem(caFiles.portainer, servers.portainer.cert);
  writePem(
    caFiles.bundle,
    [pveCa.cert, netboxCa.cert, servers.portainer.cert].join(''),
  );
  const agentSecret = options.agentSecret ?? randomBytes(24).toString('hex');
  return {
    servers,
    caFiles,
    agentSecret,
    guestAgentSecret: options.guestAgentSecret ?? agentSecret,
    credentials: {
      // PVE token secrets are UUIDs; NetBox v2 tokens nbt_<key>.<token>; Portainer keys ptr_<base64>
      proxmox: { tokenId: 'docker-env@pve!portal', tokenSecret: randomUUID() },
      netbox: {
        token: `nbt_${randomBytes(6).toString('hex')}.${randomBytes(
          20,
        ).toString('hex')}`,
      },
      portainer: {
        apiKey: `ptr_${randomBytes(32).toString('base64')}`,
      },
    },
  };
}

/** Appends a CA (the edge's ACME root) to the lab's bundle file. */
export function addToBundle(caFiles: LabCaFiles, pem: string): void {
  fs.appendFileSync(caFiles.bundle, pem.endsWith('\n') ? pem : `${pem}\n`);
}
