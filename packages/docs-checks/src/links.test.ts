import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokenLinks } from './links';
import { documents } from './markdown';

describe('links of docs/ and every README', () => {
  it('covers the guides and the READMEs', () => {
    const files = documents();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/user_guide.md');
    expect(files).toContain('plugins/docker-env-backend/README.md');
  });

  it('resolve: every relative link names an existing file, and every anchor a heading', () => {
    expect(brokenLinks(documents())).toEqual([]);
  });

  it('finds a broken file, a broken anchor and accepts the good ones', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-checks-'));
    try {
      fs.mkdirSync(path.join(root, 'docs'));
      fs.writeFileSync(
        path.join(root, 'docs', 'a.md'),
        '# A guide\n\n## Quick start: `npm start`\n\n[ok](b.md#the-end) [self](#quick-start-npm-start) [gone](c.md) [bad](b.md#nowhere) [web](https://example.com/x)\n',
      );
      fs.writeFileSync(path.join(root, 'docs', 'b.md'), '# The end\n');
      expect(brokenLinks(['docs/a.md'], root)).toEqual([
        'docs/a.md:5: c.md: no such file docs/c.md',
        'docs/a.md:5: b.md#nowhere: docs/b.md has no heading #nowhere',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
