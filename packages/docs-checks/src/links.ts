import fs from 'node:fs';
import path from 'node:path';
import {
  isExternal,
  parseDocument,
  REPO_ROOT,
  resolveTarget,
  type ParsedDocument,
} from './markdown';

/**
 * Every relative link of `docs/` and of every README resolves: the file (or folder) exists, and an anchor names a
 * heading of the Markdown file it points at (GitHub's anchors), or a line (`#L12`) of another file.
 */
export function brokenLinks(files: string[], root = REPO_ROOT): string[] {
  const parsed = new Map<string, ParsedDocument>();
  const load = (file: string) => {
    if (!parsed.has(file)) parsed.set(file, parseDocument(file, root));
    return parsed.get(file)!;
  };
  const broken: string[] = [];
  for (const file of files) {
    for (const ref of load(file).references) {
      if (ref.kind !== 'link' || isExternal(ref.target)) continue;
      const where = `${file}:${ref.line}: ${ref.target}`;
      const { file: target, anchor } = resolveTarget(file, ref.target);
      const full = path.join(root, target);
      if (!fs.existsSync(full)) {
        broken.push(`${where}: no such file ${target}`);
        continue;
      }
      if (anchor === undefined || anchor === '') continue;
      if (target.endsWith('.md')) {
        if (!load(target).anchors.has(anchor)) {
          broken.push(`${where}: ${target} has no heading #${anchor}`);
        }
      } else if (!/^L\d+(-L\d+)?$/.test(anchor)) {
        broken.push(`${where}: #${anchor} is neither a heading nor a line`);
      }
    }
  }
  return broken;
}
