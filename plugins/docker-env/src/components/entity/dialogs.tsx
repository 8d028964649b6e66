import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { ReactNode, useState } from 'react';
import { readableError } from '../common/errors';

/**
 * A dialog with one text input: submit runs `onSubmit`, shows progress, and keeps the dialog
 * open with the backend's message when it fails.
 */
export function InputDialog(props: {
  open: boolean;
  title: string;
  text: ReactNode;
  label: string;
  submitLabel: string;
  type?: string;
  initialValue?: string;
  /** Returns why the value cannot be submitted, or undefined when it can. */
  validate?: (value: string) => string | undefined;
  danger?: boolean;
  onClose: () => void;
  onSubmit: (value: string) => Promise<unknown>;
}) {
  const { open, title, text, label, submitLabel, validate, onClose } = props;
  const [value, setValue] = useState(props.initialValue ?? '');
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const problem = validate?.(value);
  const submit = async () => {
    setRunning(true);
    setError(undefined);
    try {
      await props.onSubmit(value);
      onClose();
    } catch (e) {
      setError(readableError(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Dialog open={open} onClose={running ? undefined : onClose} fullWidth>
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText component="div">{text}</DialogContentText>
        <TextField
          id="docker-env-dialog-input"
          fullWidth
          margin="dense"
          label={label}
          type={props.type ?? 'text'}
          value={value}
          InputLabelProps={props.type === 'date' ? { shrink: true } : undefined}
          onChange={e => setValue(e.target.value)}
          error={!!value && !!problem}
          helperText={value ? problem : undefined}
          disabled={running}
        />
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={running}>
          Cancel
        </Button>
        <Button
          color={props.danger ? 'secondary' : 'primary'}
          variant="contained"
          onClick={submit}
          disabled={running || !!problem}
          startIcon={running ? <CircularProgress size={14} /> : undefined}
        >
          {submitLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Today as `YYYY-MM-DD` in the reader's time zone. */
export function today(): string {
  const now = new Date();
  const offset = now.getTimezoneOffset() * 60_000;
  return new Date(now.getTime() - offset).toISOString().slice(0, 10);
}

/** Why an expiry date cannot be used, or undefined when it can. */
export function expiryProblem(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'Enter a date (YYYY-MM-DD)';
  if (value < today()) return 'The expiry date must not be in the past';
  return undefined;
}
