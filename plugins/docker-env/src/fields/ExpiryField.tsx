import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import { expiryProblem, today } from '../components/entity/dialogs';

/** An optional expiry date, never in the past. */
export function ExpiryField(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, required, disabled, schema } = props;
  const problem = formData ? expiryProblem(formData) : undefined;
  return (
    <TextField
      id="docker-env-expiry"
      type="date"
      label={schema.title ?? 'Expires on'}
      value={formData ?? ''}
      required={required}
      disabled={disabled}
      margin="normal"
      InputLabelProps={{ shrink: true }}
      inputProps={{ min: today() }}
      onChange={e => onChange(e.target.value || undefined)}
      error={!!problem}
      helperText={
        problem ?? schema.description ?? 'Optional; paused on this day'
      }
    />
  );
}

/** Refuses a date in the past. */
export const expiryFieldValidation: CustomFieldValidator<string> = (
  value,
  validation,
) => {
  const problem = value ? expiryProblem(value) : undefined;
  if (problem) validation.addError(problem);
};
