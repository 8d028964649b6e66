import fs from 'node:fs';
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';

/** The repository's root (this file is packages/docs-checks/src/markdown.ts). */
// eslint-disable-next-line no-restricted-syntax -- the checks read the repository this file sits in
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Folders never searched for documents: dependencies, build output, local state. */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  '.tools',
  '.yarn',
  '.lab-data',
  'dist',
  'dist-types',
]);

/**
 * The documents the checks cover, relative to the root: every Markdown file under `docs/` and every `README.md`.
 */
export function documents(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), {
      withFileTypes: true,
    })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(rel);
      } else if (
        entry.name === 'README.md' ||
        (rel.startsWith('docs/') && entry.name.endsWith('.md'))
      ) {
        found.push(rel);
      }
    }
  };
  walk('');
  return found.sort();
}

/** A reference from a document to another file or an anchor: a link or a picture. */
export interface Reference {
  kind: 'link' | 'image';
  target: string;
  line: number;
}

/** A quote of a message (see README.md: `Message:` quotes the portal, `Message from <system>:` another system). */
export interface MessageQuote {
  text: string;
  /** The other system that emits it; undefined for the portal's own messages. */
  from?: string;
  line: number;
}

/** What the checks need of one document. */
export interface ParsedDocument {
  file: string;
  references: Reference[];
  /** GitHub's anchors of its headings (and explicit `id`/`name` anchors). */
  anchors: Set<string>;
  /** Each heading's text as rendered. */
  headings: string[];
  quotes: MessageQuote[];
}

const md = new MarkdownIt({ html: true, linkify: false });

const HTML_REF = /<(?:img|a)\b[^>]*?\b(src|href)\s*=\s*["']([^"']+)["']/gi;
const HTML_ANCHOR = /<[a-z]+\b[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']/gi;
const QUOTE =
  /(?:\*\*|__)?Message(?: from ([^:*`\n]+?))?:(?:\*\*|__)?\s*`([^`]+)`/g;

/** GitHub's anchor of a heading: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function inlineText(token: Token): string {
  return (token.children ?? [])
    .filter(c => c.type === 'text' || c.type === 'code_inline')
    .map(c => c.content)
    .join('');
}

function htmlReferences(html: string, line: number, into: Reference[]) {
  for (const m of html.matchAll(HTML_REF)) {
    into.push({
      kind: m[1].toLowerCase() === 'src' ? 'image' : 'link',
      target: m[2],
      line,
    });
  }
}

/** Parses one document (path relative to `root`). */
export function parseDocument(file: string, root = REPO_ROOT): ParsedDocument {
  const source = fs.readFileSync(path.join(root, file), 'utf8');
  const tokens = md.parse(source, {});
  const references: Reference[] = [];
  const anchors = new Set<string>();
  const headings: string[] = [];
  const quotes: MessageQuote[] = [];
  const used = new Map<string, number>();
  // a table cell's inline token has no line of its own: it is on the line of the last token that had one
  let line = 1;
  tokens.forEach((token, i) => {
    if (token.map) line = token.map[0] + 1;
    if (token.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]);
      headings.push(text);
      const base = slug(text);
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    if (token.type === 'html_block') {
      htmlReferences(token.content, line, references);
      for (const m of token.content.matchAll(HTML_ANCHOR)) anchors.add(m[1]);
    }
    if (token.type !== 'inline') return;
    for (const m of token.content.matchAll(QUOTE)) {
      quotes.push({ text: m[2], from: m[1]?.trim(), line });
    }
    for (const child of token.children ?? []) {
      if (child.type === 'link_open') {
        references.push({
          kind: 'link',
          target: child.attrGet('href') ?? '',
          line,
        });
      } else if (child.type === 'image') {
        references.push({
          kind: 'image',
          target: child.attrGet('src') ?? '',
          line,
        });
      } else if (child.type === 'html_inline') {
        htmlReferences(child.content, line, references);
        for (const m of child.content.matchAll(HTML_ANCHOR)) anchors.add(m[1]);
      }
    }
  });
  return { file, references, anchors, headings, quotes };
}

/** True when `target` leaves the repository (a URL with a scheme, or protocol-relative). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** Splits a relative target into the file it names (relative to the root; the document itself when empty) and its anchor. */
export function resolveTarget(
  document: string,
  target: string,
): { file: string; anchor?: string } {
  const hash = target.indexOf('#');
  const rawPath = hash === -1 ? target : target.slice(0, hash);
  const anchor =
    hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const decoded = decodeURIComponent(rawPath.split('?')[0]);
  if (!decoded) return { file: document, anchor };
  const file = decoded.startsWith('/')
    ? path.posix.normalize(decoded.slice(1))
    : path.posix.normalize(
        path.posix.join(path.posix.dirname(document), decoded),
      );
  return { file: file.replace(/\/$/, ''), anchor };
}
