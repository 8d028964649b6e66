import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import { validateProjectName } from '@docker-env/plugin-docker-env-common';
import CircularProgress from '@material-ui/core/CircularProgress';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import { dockerEnvApiRef, NameAvailability } from '../api';
import { readableError } from '../components/common/errors';

/** Wait this long after the last key stroke before asking the backend. */
export const NAME_CHECK_DEBOUNCE_MS = 300;

type Check =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'done'; available: boolean; message: string };

/** The rule broken first, in words, or undefined when the name passes the local rules. */
function localProblem(name: string): string | undefined {
  const issue = validateProjectName(name)[0];
  return issue ? `The name ${issue.rule}` : undefined;
}

/** The backend's answer in words: its own message, else one for the reason code. */
export function availabilityMessage(
  name: string,
  result: NameAvailability,
): string {
  if (result.available) return `${name} is available`;
  if (result.message) return result.message;
  if (result.reason === 'taken') return `${name} is already taken`;
  if (result.reason === 'reserved') return `${name} is reserved`;
  return `${name} cannot be used`;
}

/**
 * The environment's name: checked against the platform's rules at once and against
 * `GET /names/{name}` (taken and reserved names) as you type; the reason shows in words.
 */
export function NameField(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, required, rawErrors, disabled, schema } = props;
  const api = useApi(dockerEnvApiRef);
  const name = formData ?? '';
  const [check, setCheck] = useState<Check>({ state: 'idle' });

  useEffect(() => {
    if (!name) {
      setCheck({ state: 'idle' });
      return undefined;
    }
    const problem = localProblem(name);
    if (problem) {
      setCheck({ state: 'done', available: false, message: problem });
      return undefined;
    }
    setCheck({ state: 'checking' });
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const result = await api.checkName(name, { signal: controller.signal });
        setCheck({
          state: 'done',
          available: result.available,
          message: availabilityMessage(name, result),
        });
      } catch (e) {
        if (controller.signal.aborted) return;
        setCheck({
          state: 'done',
          available: false,
          message: `Could not check the name: ${readableError(e)}`,
        });
      }
    }, NAME_CHECK_DEBOUNCE_MS);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, name]);

  let helperText: string =
    schema.description ?? '3-32 characters: a-z, 0-9, hyphens';
  if (check.state === 'checking') helperText = 'Checking…';
  if (check.state === 'done') helperText = check.message;
  const invalid =
    (check.state === 'done' && !check.available) || !!rawErrors?.length;
  return (
    <TextField
      id="docker-env-name"
      label={schema.title ?? 'Name'}
      value={name}
      required={required}
      disabled={disabled}
      margin="normal"
      fullWidth
      onChange={e => onChange(e.target.value.trim() || undefined)}
      error={invalid}
      helperText={helperText}
      FormHelperTextProps={{ role: 'status', 'aria-live': 'polite' } as any}
      InputProps={{
        endAdornment:
          check.state === 'checking' ? (
            <InputAdornment position="end">
              <CircularProgress size={16} aria-label="checking the name" />
            </InputAdornment>
          ) : undefined,
      }}
    />
  );
}

/** Blocks the step on a name the backend refuses (the same answer the field shows). */
export const nameFieldValidation: CustomFieldValidator<string> = async (
  name,
  validation,
  { apiHolder },
) => {
  if (!name) return;
  const problem = localProblem(name);
  if (problem) {
    validation.addError(problem);
    return;
  }
  const api = apiHolder.get(dockerEnvApiRef);
  if (!api) return;
  try {
    const result = await api.checkName(name);
    if (!result.available) {
      validation.addError(availabilityMessage(name, result));
    }
  } catch (e) {
    validation.addError(`Could not check the name: ${readableError(e)}`);
  }
};
