import { useApi } from '@backstage/frontend-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  EnvironmentResources,
  SIZE_PRESETS,
  SizePresetName,
} from '@docker-env/plugin-docker-env-common';
import Box from '@material-ui/core/Box';
import FormLabel from '@material-ui/core/FormLabel';
import Typography from '@material-ui/core/Typography';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dockerEnvApiRef, QuotaUsage } from '../api';
import { readableError } from '../components/common/errors';

/** The figures the quota check adds up: the request's resources and one environment. */
const FIGURES: Array<{ key: keyof EnvironmentResources; unit: string }> = [
  { key: 'cpuCores', unit: 'cores' },
  { key: 'memoryMb', unit: 'MiB memory' },
  { key: 'diskGb', unit: 'GiB disk' },
];

/** The requested resources from the size field's value, or undefined while incomplete. */
export function requestedResources(
  size: unknown,
): EnvironmentResources | undefined {
  const value = (size ?? {}) as Partial<EnvironmentResources> & {
    size?: string;
  };
  const preset = SIZE_PRESETS[value.size as SizePresetName];
  const resources = {
    cpuCores: value.cpuCores ?? preset?.cpuCores,
    memoryMb: value.memoryMb ?? preset?.memoryMb,
    diskGb: value.diskGb ?? preset?.diskGb,
  };
  return Object.values(resources).every(
    v => typeof v === 'number' && Number.isFinite(v),
  )
    ? (resources as EnvironmentResources)
    : undefined;
}

/** The one-line summary, deciding as the backend's quota check does (usage + request over quota). */
export function headroomSummary(
  quota: QuotaUsage,
  wanted: EnvironmentResources,
): string {
  // only the default quota itself has no usage
  const used = (key: keyof EnvironmentResources | 'environments') =>
    quota.usage?.[key] ?? 0;
  const free = (key: keyof EnvironmentResources | 'environments') =>
    Math.max(0, quota.quota[key] - used(key));
  const parts = FIGURES.map(
    ({ key, unit }) => `${free(key)} of ${quota.quota[key]} ${unit}`,
  );
  parts.push(
    `${free('environments')} of ${quota.quota.environments} environments free`,
  );
  const fits =
    FIGURES.every(({ key }) => used(key) + wanted[key] <= quota.quota[key]) &&
    used('environments') + 1 <= quota.quota.environments;
  return `Owner ${quota.owner}: ${parts.join(', ')}; ${
    fits
      ? 'this request fits'
      : "this request exceeds the quota: it will wait for an admin's approval"
  }`;
}

/**
 * Read-only: the chosen owner's quota headroom for the chosen size. Its value is the one-line summary, so the review
 * step lists it; the create step does not take it.
 */
export function QuotaHeadroomField(
  props: FieldExtensionComponentProps<string>,
) {
  const { formData, onChange, schema, formContext } = props;
  const api = useApi(dockerEnvApiRef);
  const form = (formContext?.formData ?? {}) as Record<string, unknown>;
  const owner = typeof form.owner === 'string' ? form.owner : undefined;
  const wanted = requestedResources(form.size);
  const key = wanted
    ? `${wanted.cpuCores}/${wanted.memoryMb}/${wanted.diskGb}`
    : '';
  const state = useAsync(
    async () => (owner ? api.getQuota(owner) : undefined),
    [api, owner],
  );
  let summary: string | undefined;
  if (!owner) summary = undefined;
  else if (state.error) {
    summary = `Quota headroom of ${owner} could not be read: ${readableError(
      state.error,
    )}`;
  } else if (state.value && wanted) {
    summary = headroomSummary(state.value, wanted);
  }
  useEffect(() => {
    if (state.loading) return;
    if (summary !== formData) onChange(summary);
    // `key` stands for `wanted`, which is a new object each render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summary, formData, onChange, state.loading, key]);
  let text: string;
  if (!owner) text = 'Choose an owner to see its quota headroom.';
  else if (state.loading) text = `Reading the quota of ${owner}…`;
  else if (!wanted) text = 'Choose a size to see whether it fits the quota.';
  else text = summary ?? '';
  return (
    <Box mt={2} mb={1}>
      <FormLabel component="legend">
        {schema.title ?? 'Quota headroom'}
      </FormLabel>
      <Typography
        role="status"
        color={state.error ? 'error' : 'textPrimary'}
        variant="body2"
      >
        {text}
      </Typography>
    </Box>
  );
}
