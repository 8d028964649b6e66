import fs from 'node:fs';
import path from 'node:path';
import type { NetBoxSimulator } from '../netbox';
import type { PortainerSimulator } from '../portainer';
import type { ProxmoxSavedState, ProxmoxSimulator } from '../proxmox';
import type { GuestFleet } from '../guest';
import type { LabControl, LabControlSavedState } from '../core/LabControl';

/** The simulators whose state the file keeps. */
export interface PersistedSims {
  proxmox: ProxmoxSimulator;
  netbox: NetBoxSimulator;
  portainer: PortainerSimulator;
  /** The guests' Docker engines share this control (their faults and latencies). */
  guests?: GuestFleet;
}

type ControlName = 'proxmox' | 'netbox' | 'portainer' | 'guests';

function controls(sims: PersistedSims): Array<[ControlName, LabControl]> {
  const out: Array<[ControlName, LabControl]> = [
    ['proxmox', sims.proxmox.control],
    ['netbox', sims.netbox.control],
    ['portainer', sims.portainer.control],
  ];
  if (sims.guests) out.push(['guests', sims.guests.control]);
  return out;
}

interface LabStateFile {
  version: 1;
  savedAt: string;
  proxmox: ProxmoxSavedState;
  netbox: NetBoxSimulator['state'];
  portainer: PortainerSimulator['state'];
  /** Each simulator's fault rules, latencies and call counts (older files lack it). */
  controls?: Partial<Record<ControlName, LabControlSavedState>>;
}

/** Writes the lab's state atomically (temp file + rename), creating the folder. */
export function saveLabState(file: string, sims: PersistedSims): void {
  const data: LabStateFile = {
    version: 1,
    savedAt: new Date().toISOString(),
    proxmox: sims.proxmox.exportState(),
    netbox: sims.netbox.state,
    portainer: sims.portainer.state,
    controls: Object.fromEntries(
      controls(sims).map(([name, c]) => [name, c.exportState()]),
    ),
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
  for (const [name, c] of controls(sims)) {
    const saved = data.controls?.[name];
    if (saved) c.importState(saved);
  }
  await sims.proxmox.restoreState(data.proxmox);
  return true;
}
