import { InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { dockerEnvApiRef, QuotaFigures } from '../../api';
import { readableError } from '../common/errors';

const FIELDS: Array<{ key: keyof QuotaFigures; label: string }> = [
  { key: 'environments', label: 'Environments' },
  { key: 'cpuCores', label: 'CPU cores' },
  { key: 'memoryMb', label: 'Memory (MiB)' },
  { key: 'diskGb', label: 'Disk (GiB)' },
  { key: 'containers', label: 'Containers' },
];

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
  const [owner, setOwner] = useState('default');
  const [draft, setDraft] = useState<Draft>({});
  const [loading, setLoading] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();

  const load = async (target: string) => {
    setLoading(true);
    setError(undefined);
    try {
      const q = await api.getQuota(target);
      setDraft(
        Object.fromEntries(
          FIELDS.map(({ key }) => [key, q.quota[key]?.toString() ?? '']),
        ),
      );
    } catch (e) {
      setError(readableError(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    load('default');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

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
        "default" holds the defaults; a user or group reference (for example
        group:default/team-a) holds an override.
      </Typography>
      <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={2}>
        <TextField
          id="docker-env-quota-owner"
          label="Owner"
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
          disabled={saving || loading || !!problem || !owner.trim()}
          startIcon={saving ? <CircularProgress size={14} /> : undefined}
        >
          Save
        </Button>
      </Box>
    </InfoCard>
  );
}
