import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import YAML from 'yaml';
import { REPO_ROOT } from './markdown';

/** Stands for a value the code fills in at run time (`${...}`, `{...}` in JSX, `$VAR` in a script). */
export const HOLE = '\u0001';

/** At most this many variants of one message (a conditional or `??` inside a template doubles them). */
const MAX_VARIANTS = 64;

/** A quote must hold at least this many characters of its own (outside placeholders) to say anything. */
export const MIN_QUOTE_LETTERS = 12;

const normalise = (s: string) => s.replace(/\s+/g, ' ');

function product(parts: string[][]): string[] {
  let out = [''];
  for (const part of parts) {
    const next: string[] = [];
    for (const a of out) for (const b of part) next.push(a + b);
    out = next.slice(0, MAX_VARIANTS);
  }
  return out;
}

/** The `const` texts of one source file by name (a message is often built from a `const head = ...` part). */
type Consts = Map<string, ts.Expression[]>;

/** The texts an expression can take, with {@link HOLE} for what the code computes. */
function variants(
  node: ts.Node,
  consts: Consts = new Map(),
  depth = 0,
): string[] {
  const inner = (n: ts.Node) => variants(n, consts, depth);
  if (ts.isIdentifier(node) && consts.has(node.text) && depth < 4) {
    return consts
      .get(node.text)!
      .flatMap(init => variants(init, consts, depth + 1))
      .slice(0, MAX_VARIANTS);
  }
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return [node.text];
  }
  if (ts.isTemplateExpression(node)) {
    return product([
      [node.head.text],
      ...node.templateSpans.flatMap(span => [
        inner(span.expression),
        [span.literal.text],
      ]),
    ]);
  }
  if (ts.isParenthesizedExpression(node)) return inner(node.expression);
  if (ts.isConditionalExpression(node)) {
    return [...inner(node.whenTrue), ...inner(node.whenFalse)].slice(
      0,
      MAX_VARIANTS,
    );
  }
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.PlusToken) {
      return product([inner(node.left), inner(node.right)]);
    }
    if (
      op === ts.SyntaxKind.QuestionQuestionToken ||
      op === ts.SyntaxKind.BarBarToken
    ) {
      return [...inner(node.left), ...inner(node.right)].slice(0, MAX_VARIANTS);
    }
  }
  return [HOLE];
}

/** The text of JSX children: text as rendered (lines trimmed), `{expression}` as its variants. */
function jsxVariants(
  children: ts.NodeArray<ts.JsxChild>,
  consts: Consts,
): string[] {
  return product(
    children.map(child => {
      if (ts.isJsxText(child)) return [jsxText(child.text)];
      if (ts.isJsxExpression(child)) {
        return child.expression ? variants(child.expression, consts) : [''];
      }
      if (ts.isJsxElement(child) || ts.isJsxFragment(child)) {
        return jsxVariants(child.children, consts);
      }
      return [HOLE];
    }),
  );
}

/** JSX's whitespace rule: text on one line stays as it is; across lines, each line is trimmed where it breaks. */
function jsxText(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  return lines
    .map((l, i) => {
      let line = l;
      if (i > 0) line = line.trimStart();
      if (i < lines.length - 1) line = line.trimEnd();
      return line;
    })
    .filter(Boolean)
    .join(' ');
}

function isText(node: ts.Node): boolean {
  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node) ||
    (ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.PlusToken)
  );
}

/** Every text a TypeScript or JavaScript source can emit: string and template literals, `+` chains, JSX text. */
export function textsOfSource(file: string, source: string): string[] {
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const consts: Consts = new Map();
  const collect = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.getCombinedNodeFlags(node) & ts.NodeFlags.Const
    ) {
      consts.set(node.name.text, [
        ...(consts.get(node.name.text) ?? []),
        node.initializer,
      ]);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (isText(node)) out.push(...variants(node, consts));
    if (ts.isJsxElement(node) || ts.isJsxFragment(node)) {
      out.push(...jsxVariants(node.children, consts));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.map(normalise);
}

/** Every string scalar of a YAML document (the template's texts). */
function textsOfYaml(source: string): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') out.push(normalise(v));
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  for (const doc of YAML.parseAllDocuments(source)) visit(doc.toJS());
  return out;
}

/** What a shell script echoes, `$VAR` and `$(...)` as holes. */
function textsOfScript(source: string): string[] {
  return [...source.matchAll(/echo\s+(?:-e\s+)?"((?:[^"\\]|\\.)*)"/g)].map(m =>
    normalise(
      m[1].replace(/\$\((?:[^()]|\([^()]*\))*\)|\$\{[^}]*\}|\$\w+/g, HOLE),
    ),
  );
}

const CODE = /\.(ts|tsx|js|mjs|cjs)$/;
const NOT_EMITTING =
  /(\.test\.|\.bench\.|\/__testUtils__\/|\/testing\/|\/__fixtures__\/|\.d\.ts$)/;

/**
 * The places the portal's messages come from: the plugins' and the portal's sources (not their tests, nor the lab,
 * which plays the other systems), the template and the scripts.
 */
export function portalSources(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) return;
    for (const e of fs.readdirSync(full, { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(rel);
      } else if (
        (CODE.test(e.name) && !NOT_EMITTING.test(rel)) ||
        e.name.endsWith('.yaml') ||
        e.name.endsWith('.sh')
      ) {
        found.push(rel);
      }
    }
  };
  for (const dir of fs.readdirSync(path.join(root, 'plugins'))) {
    walk(`plugins/${dir}/src`);
  }
  walk('packages/app/src');
  walk('packages/backend/src');
  walk('templates');
  walk('scripts');
  return found.sort();
}

/** The texts of the given source files (relative to `root`). */
export function emittedTexts(files: string[], root = REPO_ROOT): string[] {
  return files.flatMap(file => {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    if (file.endsWith('.yaml')) return textsOfYaml(source);
    if (file.endsWith('.sh')) return textsOfScript(source);
    return textsOfSource(file, source);
  });
}

const PLACEHOLDER = /<[A-Za-z][^<>]*>|\.\.\.|…/g;

/** The characters of a quote outside its placeholders. */
export function quoteLetters(quote: string): number {
  return quote.replace(PLACEHOLDER, '').replace(/\s+/g, '').length;
}

/**
 * A quote as a pattern: its own text literally (any run of spaces as one), each `<placeholder>` (and `...`) as
 * anything but empty. The own text never matches a {@link HOLE}: where the code computes a part, the quote must say
 * `<what>`.
 */
export function quotePattern(quote: string): RegExp {
  const parts = normalise(quote.trim()).split(PLACEHOLDER);
  const escaped = parts.map(p =>
    p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+'),
  );
  return new RegExp(escaped.join('[\\s\\S]+?'));
}

/** The first emitted text a quote matches, if any. */
export function findQuote(
  quote: string,
  texts: readonly string[],
): string | undefined {
  const pattern = quotePattern(quote);
  return texts.find(t => pattern.test(t));
}
