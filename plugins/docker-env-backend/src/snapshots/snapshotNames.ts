/**
 * The mark of the snapshots the portal made: their name. The API takes no snapshot name, the portal generates it as
 * `s` and the UTC time to the second (`s20261207051000`), so a snapshot of that form on a managed CT is the portal's;
 * any other name (an admin's `pre-upgrade` made in the Proxmox UI) is not, and retention leaves it alone unless
 * `dockerEnv.snapshots.retentionScope` is `all`.
 */
const PORTAL_SNAPSHOT_NAME = /^s\d{14}$/;

/** A generated snapshot name: `s` and the UTC time to the second. */
export function generatedSnapshotName(now = new Date()): string {
  return `s${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/** True when the name carries the portal's mark (see {@link generatedSnapshotName}). */
export function isPortalSnapshotName(name: string): boolean {
  return PORTAL_SNAPSHOT_NAME.test(name);
}
