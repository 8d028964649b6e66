import fs from 'node:fs';
import path from 'node:path';

/** Finds the repository root (the directory holding `backstage.json`) from a start directory. */
// eslint-disable-next-line no-restricted-syntax -- the contracts are found from this file's place in the repository
export function findRepoRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (let i = 0; i < 30; i++) {
    if (fs.existsSync(path.join(dir, 'backstage.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`no backstage.json above ${start}`);
}

/**
 * Absolute path of a file in the repository's pinned copy of the third-party API contracts
 * (`<repo>/contracts`, see its README for where each came from).
 */
export function contractPath(file: string): string {
  return path.resolve(findRepoRoot(), 'contracts', file);
}
