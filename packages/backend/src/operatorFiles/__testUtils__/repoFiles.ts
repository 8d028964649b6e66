// Test helpers: the repository's own files (deploy/, docs/, contracts/).
import { findRepoRoot } from '@docker-env/lab';
import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** Absolute path of a file in the repository. */
export function repoFile(...parts: string[]): string {
  // the lab finds the repository from its own place in it
  return path.join(findRepoRoot(), ...parts);
}

/** A YAML file parsed as its consumer does (merge keys `<<` resolved, as Compose and Traefik do). */
export function readYaml(...parts: string[]): unknown {
  return YAML.parse(fs.readFileSync(repoFile(...parts), 'utf8'), {
    merge: true,
  });
}

/**
 * A validator for a pinned JSON schema (draft-07) in `contracts/`. Formats are not checked (the
 * schemas name formats such as `duration` that ajv does not know; the products check them).
 */
export function schemaValidator(file: string) {
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    validateFormats: false,
  });
  const schema = JSON.parse(
    fs.readFileSync(repoFile('contracts', file), 'utf8'),
  );
  delete schema.$schema;
  const validate = ajv.compile(schema);
  return (doc: unknown): string[] =>
    validate(doc)
      ? []
      : (validate.errors ?? []).map(
          e =>
            `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
        );
}
