import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { documents, parseDocument } from './markdown';
import {
  emittedTexts,
  findQuote,
  HOLE,
  MIN_QUOTE_LETTERS,
  portalSources,
  quoteLetters,
  textsOfSource,
} from './messages';

describe("the guides' quotes of the portal's messages", () => {
  const quotes = documents().flatMap(file =>
    parseDocument(file).quotes.map(q => ({ ...q, file })),
  );
  const portal = quotes.filter(q => !q.from);
  const texts = emittedTexts(portalSources());

  it('finds the quotes and the code', () => {
    expect(portal.length).toBeGreaterThanOrEqual(10);
    expect(portalSources()).toContain(
      'plugins/scaffolder-actions/src/actions/createEnvironment/failureMessage.ts',
    );
  });

  it(`each quote has ${MIN_QUOTE_LETTERS} characters of its own or more`, () => {
    const short = portal
      .filter(q => quoteLetters(q.text) < MIN_QUOTE_LETTERS)
      .map(q => `${q.file}:${q.line}: ${q.text}`);
    expect(short).toEqual([]);
  });

  it('each quote matches a literal or a template in the code that emits it', () => {
    const missing = portal
      .filter(q => !findQuote(q.text, texts))
      .map(q => `${q.file}:${q.line}: ${q.text}`);
    expect(missing).toEqual([]);
  });
});

describe('the quote matcher', () => {
  const texts = textsOfSource(
    'x.tsx',
    [
      'const a = `Provisioning ${name} failed${step ? ` at step ${step}` : ""}: ${error ?? "unknown"}.`;',
      "const b = 'name: ' + name + ' is taken';",
      'const c = <p>Only docker-env admins can open {what}</p>;',
    ].join('\n'),
  );

  it('reads templates, conditionals, concatenations and JSX', () => {
    expect(texts).toEqual(
      expect.arrayContaining([
        `Provisioning ${HOLE} failed at step ${HOLE}: ${HOLE}.`,
        `Provisioning ${HOLE} failed: unknown.`,
        `name: ${HOLE} is taken`,
        `Only docker-env admins can open ${HOLE}`,
      ]),
    );
  });

  it('matches placeholders to what the code computes, and nothing else', () => {
    expect(
      findQuote('Provisioning <name> failed at step <step>: <reason>.', texts),
    ).toBeDefined();
    expect(
      findQuote('Provisioning <name> failed: unknown.', texts),
    ).toBeDefined();
    expect(findQuote('name: <name> is taken', texts)).toBeDefined();
    expect(
      findQuote('Only docker-env admins can open ...', texts),
    ).toBeDefined();
    // the code computes the step: a quote naming one must say <step>
    expect(
      findQuote('Provisioning <name> failed at step lxc: <reason>.', texts),
    ).toBeUndefined();
    // a renamed message is not found
    expect(
      findQuote('Provisioning <name> broke at step <step>', texts),
    ).toBeUndefined();
  });

  it('counts the characters of a quote outside its placeholders', () => {
    expect(quoteLetters('name: <name> is taken')).toBe('name:istaken'.length);
  });
});

describe('the quote markup', () => {
  it("reads the portal's quotes and marks other systems' quotes, never a code block's", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-checks-'));
    try {
      fs.mkdirSync(path.join(root, 'docs'));
      fs.writeFileSync(
        path.join(root, 'docs', 'a.md'),
        [
          '# Guide',
          '',
          'The task says Message: `Provisioning <name> failed` and **Message:** `paused: <how>`.',
          '',
          '| symptom | quote |',
          '| - | - |',
          '| locked | Message from Proxmox: `CT is locked (<lock>)` |',
          '',
          '```md',
          'Message: `not a quote in a code block`',
          '```',
          '',
        ].join('\n'),
      );
      expect(parseDocument('docs/a.md', root).quotes).toEqual([
        { text: 'Provisioning <name> failed', from: undefined, line: 3 },
        { text: 'paused: <how>', from: undefined, line: 3 },
        { text: 'CT is locked (<lock>)', from: 'Proxmox', line: 7 },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
