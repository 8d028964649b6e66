import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import type { DockerEnvApi, Environment } from '../../../api';
import { readableError } from '../../common/errors';

/**
 * Resize: cores, memory (MB) and disk (GB, grows only). The backend checks the owner's quota (409 naming it and the
 * headroom, shown as it comes); a paused environment takes the new size at its resume.
 */
export function ResizeDialog(props: {
  environment: Environment;
  api: DockerEnvApi;
  open: boolean;
  onClose(resized: boolean): void;
}) {
  const { environment: env, api } = props;
  const [values, setValues] = useState({
    cpuCores: String(env.cpuCores),
    memoryMb: String(env.memoryMb),
    diskGb: String(env.diskGb),
  });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const field = (key: keyof typeof values, label: string, helper?: string) => (
    <TextField
      key={key}
      id={`resize-${key}`}
      label={label}
      type="number"
      fullWidth
      margin="dense"
      helperText={helper}
      value={values[key]}
      onChange={e => setValues({ ...values, [key]: e.target.value })}
    />
  );
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.resizeEnvironment(env.name, {
        cpuCores: Number(values.cpuCores),
        memoryMb: Number(values.memoryMb),
        diskGb: Number(values.diskGb),
      });
      props.onClose(true);
    } catch (e) {
      setError(readableError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={props.open} onClose={() => props.onClose(false)}>
      <DialogTitle>Resize {env.name}</DialogTitle>
      <DialogContent>
        <Typography variant="body2">
          {env.status === 'paused'
            ? 'The environment is paused: the new size is written now and applies when it is resumed.'
            : 'CPU and memory apply at once; the disk grows while it runs.'}
        </Typography>
        {field('cpuCores', 'CPU cores')}
        {field('memoryMb', 'Memory (MB)')}
        {field('diskGb', 'Disk (GB)', `Only grows: at least ${env.diskGb}`)}
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={() => props.onClose(false)}>Cancel</Button>
        <Button color="primary" disabled={busy} onClick={submit}>
          Resize
        </Button>
      </DialogActions>
    </Dialog>
  );
}
