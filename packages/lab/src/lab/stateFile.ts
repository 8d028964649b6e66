import fs from 'node:fs';
import path from 'node:path';
import type { NetBoxSimulator } from '../netbox';
import type { PortainerSimulator } from '../portainer';
import type { ProxmoxSavedState, ProxmoxSimulator } from '../proxmox';

/** The simulators whose state the file keeps. */
export interface PersistedSims {
  proxmox: ProxmoxSimulator;
  netbox: NetBoxSimulator;
  portainer: PortainerSimulator;
}

interface LabStateFile {
  version: 1;
  savedAt: string;
  proxmox: ProxmoxSavedState;
  netbox: NetBoxSimulator['state'];
  portainer: PortainerSimulator['state'];
}

/** Writes the lab's state atomically (temp file + rename), creating the folder. */
export function saveLabState(file: string, sims: PersistedSims): void {
  const data: LabStateFile = {
    version: 1,
    savedAt: new Date().toISOString(),
    proxmox: sims.proxmox.exportState(),
    netbox: sims.netbox.state,
    portainer: sims.portainer.state,
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Loads a state file written by {@link saveLabState} into freshly started simulators. A missing
 * file is a first start (false); an unreadable one is an error naming the file.
 */
export async function loadLabState(
  file: string,
  sims: PersistedSims,
): Promise<boolean> {
  if (!fs.existsSync(file)) return false;
  let data: LabStateFile;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (data.version !== 1) throw new Error(`version ${data.version}`);
  } catch (e) {
    throw new Error(
      `lab state file ${file} cannot be read (${
        (e as Error).message
      }); move it away to start from scratch`,
    );
  }
  Object.assign(sims.netbox.state, data.netbox);
  Object.assign(sims.portainer.state, data.portainer);
  await sims.proxmox.restoreState(data.proxmox);
  return true;
}
