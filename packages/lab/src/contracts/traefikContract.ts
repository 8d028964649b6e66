import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import { contractPath } from './repoRoot';

/** The Traefik v3 file-provider contract file in the repository's contracts folder (JSON Schema). */
export const TRAEFIK_CONTRACT_FILE = 'traefik-v3-file-provider.schema.json';

/** A validator for the Traefik v3 file-provider contract: returns the errors of a document (none when valid). */
export function traefikSchemaValidator(): (doc: unknown) => string[] {
  const schema = JSON.parse(
    fs.readFileSync(contractPath(TRAEFIK_CONTRACT_FILE), 'utf8'),
  );
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (doc: unknown): string[] => {
    if (validate(doc)) return [];
    return (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
  };
}

/** Paths of empty objects in a document (Traefik stops updating on an empty map). */
export function emptyMaps(value: unknown, at = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => emptyMaps(v, `${at}[${i}]`));
  const keys = Object.keys(value);
  // `tls: {}` on a router is a flag (TLS with the default certificate), not a map of names
  if (keys.length === 0) return at.endsWith('.tls') ? [] : [at || '(root)'];
  return keys.flatMap(k =>
    emptyMaps((value as Record<string, unknown>)[k], `${at}.${k}`),
  );
}
