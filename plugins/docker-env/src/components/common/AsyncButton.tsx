import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Button, { ButtonProps } from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import { useState } from 'react';
import { readableError } from './errors';

/**
 * A button that runs an async action: it shows progress while the call runs, posts the
 * backend's message on failure, and, when disabled with a reason, tells that reason.
 */
export function AsyncButton(
  props: Omit<ButtonProps, 'onClick'> & {
    onClick: () => Promise<unknown>;
    /** Why the button is disabled; shown as a tooltip and to screen readers. */
    disabledReason?: string;
    successMessage?: string;
  },
) {
  const {
    onClick,
    disabledReason,
    successMessage,
    disabled,
    children,
    ...rest
  } = props;
  const alertApi = useApi(alertApiRef);
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    try {
      await onClick();
      if (successMessage) {
        alertApi.post({
          message: successMessage,
          severity: 'success',
          display: 'transient',
        });
      }
    } catch (e) {
      alertApi.post({ message: readableError(e), severity: 'error' });
    } finally {
      setRunning(false);
    }
  };
  const button = (
    <Button
      {...rest}
      disabled={disabled || !!disabledReason || running}
      onClick={run}
      aria-busy={running}
      startIcon={running ? <CircularProgress size={14} /> : rest.startIcon}
    >
      {children}
    </Button>
  );
  if (!disabledReason) return button;
  // A disabled button fires no events: the span carries the tooltip.
  return (
    <Tooltip title={disabledReason}>
      <span>{button}</span>
    </Tooltip>
  );
}
