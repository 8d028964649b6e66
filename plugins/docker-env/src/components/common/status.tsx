import Chip from '@material-ui/core/Chip';
import CircularProgress from '@material-ui/core/CircularProgress';
import { EnvironmentStatus } from '../../api';

const labels: Record<EnvironmentStatus, string> = {
  pending_approval: 'Awaiting approval',
  provisioning: 'Provisioning',
  ready: 'Ready',
  pausing: 'Pausing',
  paused: 'Paused',
  resuming: 'Resuming',
  deleting: 'Deleting',
  deleted: 'Deleted',
  failed: 'Failed',
  cleanup_required: 'Cleanup required',
  rejected: 'Rejected',
};

/** Statuses that move on by themselves: pages poll faster while one is shown. */
export const TRANSITIONAL_STATUSES: ReadonlySet<string> = new Set([
  'provisioning',
  'pausing',
  'resuming',
  'deleting',
]);

/** An environment's status in words. */
export function statusLabel(status: string): string {
  return labels[status as EnvironmentStatus] ?? status;
}

function colorOf(status: string): 'primary' | 'secondary' | 'default' {
  if (status === 'ready') return 'primary';
  if (['failed', 'cleanup_required', 'rejected'].includes(status))
    return 'secondary';
  return 'default';
}

/** A chip with the status, spinning while the environment changes. */
export function StatusChip(props: { status: string }) {
  const { status } = props;
  return (
    <Chip
      size="small"
      color={colorOf(status)}
      label={statusLabel(status)}
      icon={
        TRANSITIONAL_STATUSES.has(status) ? (
          <CircularProgress size={12} aria-label="in progress" />
        ) : undefined
      }
    />
  );
}
