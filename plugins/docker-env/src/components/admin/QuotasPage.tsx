import { InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dockerEnvApiRef, QuotaFigures } from '../../api';
import { readableError } from '../common/errors';
import { OverQuotaList } from './OverQuotaList';

const FIELDS: Array<{ key: keyof QuotaFigures; label: string }> = [
  { key: 'environments', label: 'Environments' },
  { key: 'cpuCores', label: 'CPU cores' },
  { key: 'memoryMb', label: 'Memory (MiB)' },
  { key: 'diskGb', label: 'Disk (GiB)' },
  { key: 'containers', label: 'Containers' },
];

const DEFAULT_OWNER = 'default';

type Draft = Partial<Record<keyof QuotaFigures, string>>;

function problemOf(draft: Draft): string | undefined {
  for (const { key, label } of FIELDS) {
    const text = draft[key];
    if (text === undefined || text === '') continue;
    if (!/^\d+$/.test(text))
      return `${label} must be a whole number of 0 or more`;
  }
  return undefined;
}

/** The quota editor: the defaults, or an override for one user or group. */
export function QuotasPage() {
  const api = useApi(dockerEnvApiRef);
  const alertApi = useApi(alertApiRef);
  const [owner, setOwner] = useState('');
  const [note, setNote] = useState<string>();
  const [draft, setDraft] = useState<Draft>({});
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  const load = async (target: string) => {
    setError(undefined);
    setNote(undefined);
    setLoading(true);
    try {
      const q =
        target === DEFAULT_OWNER
          ? await api.getDefaultQuota()
          : await api.getQuota(target);
      setDraft(
        Object.fromEntries(
          FIELDS.map(({ key }) => [key, q.quota[key]?.toString() ?? '']),
        ),
      );
      if (target === DEFAULT_OWNER) {
        setNote(
          q.source === 'config'
            ? 'The defaults from the portal configuration: none saved yet.'
            : 'The saved defaults.',
        );
      }
    } catch (e) {
      setError(readableError(e));
    } finally {
      setLoading(false);
    }
  };
  const problem = problemOf(draft);
  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const quota = Object.fromEntries(
        FIELDS.filter(({ key }) => draft[key]).map(({ key }) => [
          key,
          Number(draft[key]),
        ]),
      );
      await api.setQuota(owner.trim(), quota);
      alertApi.post({
        message: `Saved the quota of ${owner}`,
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      setError(readableError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <InfoCard title="Quotas">
      <Typography paragraph>
        Load the quota of a user or group (for example group:default/team-a) to
        change its override, or enter "default" to set the defaults.
      </Typography>
      <OverQuotaList />
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={2}>
        <TextField
          id="docker-env-quota-owner"
          label="Owner"
          placeholder="group:default/team-a"
          value={owner}
          onChange={e => setOwner(e.target.value)}
        />
        <Button onClick={() => load(owner.trim())} disabled={loading || !owner}>
          Load
        </Button>
      </Box>
      {loading ? (
        <Progress />
      ) : (
        <Grid container spacing={2}>
          {FIELDS.map(({ key, label }) => (
            <Grid item xs={12} sm={4} md={2} key={key}>
              <TextField
                id={`docker-env-quota-${key}`}
                label={label}
                value={draft[key] ?? ''}
                onChange={e => setDraft({ ...draft, [key]: e.target.value })}
                inputProps={{ inputMode: 'numeric' }}
              />
            </Grid>
          ))}
        </Grid>
      )}
      {note && <Typography paragraph>{note}</Typography>}
      {(problem || error) && (
        <Typography role="alert" color="error">
          {problem ?? error}
        </Typography>
      )}
      <Box mt={2}>
        <Button
          variant="contained"
          color="primary"
          onClick={save}
          disabled={
            saving ||
            loading ||
            !!problem ||
            !owner.trim() ||
            !Object.values(draft).some(Boolean)
          }
          startIcon={saving ? <CircularProgress size={14} /> : undefined}
        >
          Save
        </Button>
      </Box>
    </InfoCard>
  );
}
