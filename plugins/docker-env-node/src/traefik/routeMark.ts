import { descriptionMark } from '../ownership/marks';

/*
 * A route file's mark is a YAML comment line at its top, `# docker-env-environment: <environment id>` (the same
 * words as the CT description's mark line). A comment, not a field: Traefik v3's file provider decodes the YAML
 * into its dynamic configuration and refuses unknown keys (paerser: "field not found"; the pinned file-provider
 * schema has `additionalProperties: false` at its root), while a YAML parser drops comments before any of that.
 */

/** The first line of the route files the portal wrote before they carried a mark (adopted by the reconciler). */
export const LEGACY_ROUTE_FILE_HEADER =
  '# Managed by docker-env: changes are overwritten.';

/** The first line of every route file the portal writes. */
export const ROUTE_FILE_HEADER =
  '# Managed by docker-env: written by the portal, which overwrites edits.';

/**
 * The mark line of a route file written for an environment.
 *
 * @public
 */
export function routeMarkLine(environmentId: string): string {
  return `# ${descriptionMark(environmentId)}`;
}

const MARK_LINE = /^# docker-env-environment: ([a-z0-9][a-z0-9-]{0,62})$/;

/**
 * The environment id a route file's mark names, or undefined when the file carries no mark. Only the comment block
 * at the top of the file counts: a mark line below the first YAML line is not ours.
 *
 * @public
 */
export function routeMarkOf(text: string): string | undefined {
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) return undefined;
    const mark = MARK_LINE.exec(line);
    if (mark) return mark[1];
  }
  return undefined;
}

/**
 * True for a route file the portal wrote before route files carried a mark: its first line is the old header and it
 * has no mark line.
 */
export function isLegacyRouteFile(text: string): boolean {
  return (
    routeMarkOf(text) === undefined &&
    text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ===
      LEGACY_ROUTE_FILE_HEADER
  );
}
