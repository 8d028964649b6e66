import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { ExpiryField, expiryFieldValidation } from './ExpiryField';
import { NameField, nameFieldValidation } from './NameField';
import { OwnerField, ownerFieldValidation } from './OwnerField';
import { QuotaHeadroomField } from './QuotaHeadroomField';
import { SizeField, sizeFieldValidation } from './SizeField';

/** `ui:field: DockerEnvName`: the name, checked live against the backend. */
export const DockerEnvNameFormField = createFormField({
  name: 'DockerEnvName',
  component: NameField,
  validation: nameFieldValidation,
});

/** `ui:field: DockerEnvOwner`: me or one of my groups, me by default. */
export const DockerEnvOwnerFormField = createFormField({
  name: 'DockerEnvOwner',
  component: OwnerField,
  validation: ownerFieldValidation,
});

/** `ui:field: DockerEnvSize`: S/M/L or custom within the limits. */
export const DockerEnvSizeFormField = createFormField({
  name: 'DockerEnvSize',
  component: SizeField,
  validation: sizeFieldValidation,
});

/** `ui:field: DockerEnvExpiry`: an expiry date not in the past. */
export const DockerEnvExpiryFormField = createFormField({
  name: 'DockerEnvExpiry',
  component: ExpiryField,
  validation: expiryFieldValidation,
});

/** `ui:field: DockerEnvQuotaHeadroom`: read-only; the owner's quota headroom for the chosen size, as one line. */
export const DockerEnvQuotaHeadroomFormField = createFormField({
  name: 'DockerEnvQuotaHeadroom',
  component: QuotaHeadroomField,
});
