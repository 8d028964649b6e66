import { InputError } from '@backstage/errors';

/** RFC 5321 path limit. */
const MAX_ADDRESS_LENGTH = 254;
// Dot-atom local part and a DNS host name: deliberately stricter than RFC 5322 (no quoted
// strings, comments or display names), so nothing can smuggle a header or a second recipient.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** One bare e-mail address (`user@example.org`); CR/LF, commas, brackets and display names refused. */
export function assertEmailAddress(
  field: string,
  value: unknown,
): asserts value is string {
  if (typeof value !== 'string' || value === '') {
    throw new InputError(`${field}: must be an e-mail address`);
  }
  if (/[\r\n]/.test(value)) {
    throw new InputError(`${field}: must not contain line breaks`);
  }
  if (value.length > MAX_ADDRESS_LENGTH || !ADDRESS.test(value)) {
    throw new InputError(
      `${field}: must be a single address like user@example.org`,
    );
  }
}

/** A single-line header value (subject, display name) of bounded length. */
export function assertHeaderText(
  field: string,
  value: unknown,
  maxLength: number,
): asserts value is string {
  if (typeof value !== 'string')
    throw new InputError(`${field}: must be a string`);
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000]/.test(value)) {
    throw new InputError(`${field}: must not contain line breaks`);
  }
  if (value.length > maxLength) {
    throw new InputError(`${field}: must be at most ${maxLength} characters`);
  }
}
