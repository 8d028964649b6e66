import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import {
  EnvironmentResources,
  RESOURCE_LIMITS,
  SIZE_PRESETS,
  SizePresetName,
  validateResources,
} from '@docker-env/plugin-docker-env-common';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect } from 'react';
import { formatSize } from '../components/common/format';

/** What the size field returns: a preset, or `custom` with the three figures. */
export type SizeValue = {
  size: SizePresetName | 'custom';
} & Partial<EnvironmentResources>;

const LABELS: Record<keyof EnvironmentResources, string> = {
  cpuCores: 'CPU cores',
  memoryMb: 'Memory (MiB)',
  diskGb: 'Disk (GiB)',
};

/** Size S, M or L, or custom CPU, memory and disk within the limits. */
export function SizeField(props: FieldExtensionComponentProps<SizeValue>) {
  const { formData, onChange, disabled, schema } = props;
  // the form hands an object field `{}` before anything is chosen (the schema's default is not applied)
  const value: SizeValue = formData?.size
    ? formData
    : { size: 'S', ...SIZE_PRESETS.S };
  useEffect(() => {
    if (!formData?.size) onChange({ size: 'S', ...SIZE_PRESETS.S });
  }, [formData, onChange]);
  const issues = value.size === 'custom' ? validateResources(value) : [];
  const select = (size: string) =>
    onChange(
      size === 'custom'
        ? { ...value, size: 'custom' }
        : {
            size: size as SizePresetName,
            ...SIZE_PRESETS[size as SizePresetName],
          },
    );
  return (
    <Box mt={2} mb={1}>
      <FormLabel component="legend">{schema.title ?? 'Size'}</FormLabel>
      <RadioGroup row value={value.size} onChange={e => select(e.target.value)}>
        {(Object.keys(SIZE_PRESETS) as SizePresetName[]).map(size => (
          <FormControlLabel
            key={size}
            value={size}
            disabled={disabled}
            control={<Radio />}
            label={formatSize({ size, ...SIZE_PRESETS[size] })}
          />
        ))}
        <FormControlLabel
          value="custom"
          disabled={disabled}
          control={<Radio />}
          label="Custom"
        />
      </RadioGroup>
      {value.size === 'custom' && (
        <Box display="flex" style={{ gap: 16 }}>
          {(Object.keys(LABELS) as Array<keyof EnvironmentResources>).map(
            key => {
              const issue = issues.find(i => i.field === key);
              const { min, max } = RESOURCE_LIMITS[key];
              return (
                <TextField
                  key={key}
                  id={`docker-env-size-${key}`}
                  label={LABELS[key]}
                  type="number"
                  disabled={disabled}
                  value={value[key] ?? ''}
                  inputProps={{ min, max }}
                  onChange={e =>
                    onChange({
                      ...value,
                      [key]:
                        e.target.value === ''
                          ? undefined
                          : Number(e.target.value),
                    })
                  }
                  error={!!issue}
                  helperText={
                    issue ? `${LABELS[key]} ${issue.rule}` : `${min}-${max}`
                  }
                />
              );
            },
          )}
        </Box>
      )}
      {schema.description && (
        <Typography variant="caption">{schema.description}</Typography>
      )}
    </Box>
  );
}

/** Custom figures must be whole numbers within the limits. */
export const sizeFieldValidation: CustomFieldValidator<SizeValue> = (
  value,
  validation,
) => {
  if (!value || value.size !== 'custom') return;
  for (const issue of validateResources(value)) {
    validation.addError(
      `${LABELS[issue.field as keyof EnvironmentResources] ?? issue.field} ${
        issue.rule
      }`,
    );
  }
};
