import { fail, requireString } from '../validation/primitives';

// Checks run before any value reaches the Docker API (names end up in URLs, labels in filters).

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * A container name as dockerd accepts it: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, at most 128 characters.
 *
 * @public
 */
export function assertContainerName(
  value: unknown,
  field = 'containerName',
): string {
  const v = requireString(value, field, 128);
  if (!CONTAINER_NAME.test(v)) {
    fail(
      field,
      'must match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (letters, digits, "_", "." and "-", at least 2 characters)',
    );
  }
  return v;
}

/**
 * A container id (hex, 12..64) or name.
 *
 * @public
 */
export function assertContainerRef(
  value: unknown,
  field = 'container',
): string {
  const v = requireString(value, field, 128);
  if (!/^[a-f0-9]{12,64}$/.test(v) && !CONTAINER_NAME.test(v)) {
    fail(
      field,
      'must be a container id or a name matching [a-zA-Z0-9][a-zA-Z0-9_.-]+',
    );
  }
  return v;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const HOST_LABEL = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?';
const DOMAIN = `(?:${HOST_LABEL})(?:\\.${HOST_LABEL})*(?::[0-9]{1,5})?`;
const IMAGE_REF = new RegExp(
  `^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/**
 * An image reference: `[registry[:port]/]repo/path[:tag][@sha256:digest]` (the distribution
 * reference grammar; lowercase repository path, no spaces or quotes), at most 255 characters.
 *
 * @public
 */
export function assertImageRef(value: unknown, field = 'image'): string {
  const v = requireString(value, field, 255);
  if (!IMAGE_REF.test(v)) {
    fail(
      field,
      'must be an image reference like registry.example.com/team/app:1.0 or nginx@sha256:<64 hex>',
    );
  }
  return v;
}

/**
 * An environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
 *
 * @public
 */
export function assertEnvKey(value: unknown, field = 'env'): string {
  const v = requireString(value, field, 256);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v))
    fail(
      field,
      'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
    );
  return v;
}

/**
 * An environment value: any text without NUL, at most 32 KiB.
 *
 * @public
 */
export function assertEnvValue(value: unknown, field = 'env'): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (value.length > 32768) fail(field, 'must be at most 32768 characters');
  if (value.includes('\0')) fail(field, 'must not contain NUL characters');
  return value;
}

/**
 * A label key: letters, digits, `.`, `-`, `_`, `/` (reverse-DNS style, e.g. `traefik.http.routers.x.rule`).
 *
 * @public
 */
export function assertLabelKey(value: unknown, field = 'label'): string {
  const v = requireString(value, field, 255);
  if (!/^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/.test(v)) {
    fail(
      field,
      'must be a label key of letters, digits, ".", "-", "_" and "/", starting and ending with a letter or digit',
    );
  }
  return v;
}

/**
 * A label value: text without NUL or newlines (it also reaches `label=` filters), at most 4096 characters.
 *
 * @public
 */
export function assertLabelValue(value: unknown, field = 'label'): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (value.length > 4096) fail(field, 'must be at most 4096 characters');
  if (/[\0\r\n]/.test(value))
    fail(field, 'must not contain NUL or line breaks');
  return value;
}
