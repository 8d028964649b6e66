import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  CustomFieldValidator,
  FieldExtensionComponentProps,
} from '@backstage/plugin-scaffolder-react';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';

/** Me first, then my groups (ownership refs of another kind are left out). */
export function ownerChoices(identity: {
  userEntityRef: string;
  ownershipEntityRefs: string[];
}): string[] {
  const me = stringifyEntityRef(parseEntityRef(identity.userEntityRef));
  const groups = identity.ownershipEntityRefs.filter(
    ref => parseEntityRef(ref).kind.toLowerCase() === 'group',
  );
  return [me, ...groups.filter(g => g !== me)];
}

function labelOf(ref: string, me: string): string {
  const { kind, name } = parseEntityRef(ref);
  return ref === me ? `Me (${name})` : `${kind.toLowerCase()} ${name}`;
}

/** The owner: defaults to me and offers only me and my groups. */
export function OwnerField(props: FieldExtensionComponentProps<string>) {
  const { formData, onChange, required, disabled, schema, rawErrors } = props;
  const identityApi = useApi(identityApiRef);
  const {
    value: choices,
    loading,
    error,
  } = useAsync(async () =>
    ownerChoices(await identityApi.getBackstageIdentity()),
  );
  const me = choices?.[0];
  useEffect(() => {
    if (me && (!formData || !choices!.includes(formData))) onChange(me);
  }, [me, formData, choices, onChange]);
  return (
    <TextField
      select
      id="docker-env-owner"
      label={schema.title ?? 'Owner'}
      value={formData && choices?.includes(formData) ? formData : ''}
      required={required}
      disabled={disabled || loading}
      margin="normal"
      fullWidth
      onChange={e => onChange(e.target.value)}
      error={!!error || !!rawErrors?.length}
      helperText={
        error
          ? `Could not read your groups: ${error.message}`
          : schema.description ?? 'You or one of your groups'
      }
    >
      {(choices ?? []).map(ref => (
        <MenuItem key={ref} value={ref}>
          {labelOf(ref, me!)}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** Refuses an owner that is neither me nor one of my groups (e.g. typed into the URL). */
export const ownerFieldValidation: CustomFieldValidator<string> = async (
  owner,
  validation,
  { apiHolder },
) => {
  const identityApi = apiHolder.get(identityApiRef);
  if (!owner || !identityApi) return;
  const choices = ownerChoices(await identityApi.getBackstageIdentity());
  if (!choices.includes(owner)) {
    validation.addError(`The owner must be you or one of your groups`);
  }
};
