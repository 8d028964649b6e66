import fs from 'node:fs';
import path from 'node:path';
import {
  documents,
  isExternal,
  parseDocument,
  REPO_ROOT,
  resolveTarget,
} from './markdown';

const SIGNATURES: Array<[string, number[]]> = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['gif', [0x47, 0x49, 0x46, 0x38]],
];

/** What is wrong with a picture file: missing, empty, or not an image. */
function pictureProblem(file: string): string | undefined {
  const full = path.join(REPO_ROOT, file);
  if (!fs.existsSync(full)) return 'missing';
  const head = fs.readFileSync(full).subarray(0, 16);
  if (file.endsWith('.svg')) {
    return head.toString('utf8').trimStart().startsWith('<')
      ? undefined
      : 'not an SVG';
  }
  const ok = SIGNATURES.some(([, sig]) => sig.every((b, i) => head[i] === b));
  return ok ? undefined : 'not a PNG, JPEG or GIF';
}

function pictures() {
  return documents().flatMap(file =>
    parseDocument(file)
      .references.filter(r => r.kind === 'image' && !isExternal(r.target))
      .map(r => ({
        file,
        line: r.line,
        picture: resolveTarget(file, r.target).file,
      })),
  );
}

describe('pictures of docs/ and every README', () => {
  it('exist: every referenced picture is an image file in the repository', () => {
    const problems = pictures().flatMap(p => {
      const problem = pictureProblem(p.picture);
      return problem ? [`${p.file}:${p.line}: ${p.picture} ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('every picture in docs/images is referenced (npm run docs:screenshots copies only those)', () => {
    const referenced = new Set(pictures().map(p => p.picture));
    const dir = path.join(REPO_ROOT, 'docs/images');
    const unreferenced = fs
      .readdirSync(dir)
      .map(f => `docs/images/${f}`)
      .filter(f => !referenced.has(f));
    expect(unreferenced).toEqual([]);
  });

  it('the user guide shows at least one screenshot per task (five or more)', () => {
    const inGuide = pictures().filter(p => p.file === 'docs/user_guide.md');
    expect(new Set(inGuide.map(p => p.picture)).size).toBeGreaterThanOrEqual(5);
  });
});
