import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Every export of a plugin package's index carries a TSDoc release tag on its declaration (@public, or @internal for
// what only the sibling packages use), as API Extractor expects. `node scripts/tag-exports.js` adds missing ones.

const ROOT = path.resolve(__dirname, '../../..');
const TAG = /@(public|internal|alpha|beta)\b/;

function pluginIndexes(): string[] {
  const plugins = path.join(ROOT, 'plugins');
  return fs
    .readdirSync(plugins)
    .map(name => path.join(plugins, name, 'src/index.ts'))
    .filter(file => fs.existsSync(file));
}

/** `file:line name` of every exported declaration of `index`'s package without a release tag. */
function untagged(program: ts.Program, index: string): string[] {
  const checker = program.getTypeChecker();
  const packageDir = path.resolve(index, '../..');
  const source = program.getSourceFile(index)!;
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(
    checker.getSymbolAtLocation(source)!,
  )) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias
        ? checker.getAliasedSymbol(exported)
        : exported;
    for (const declaration of symbol.declarations ?? []) {
      const file = declaration.getSourceFile();
      if (!file.fileName.startsWith(packageDir + path.sep)) continue;
      const node = ts.isVariableDeclaration(declaration)
        ? declaration.parent.parent
        : declaration;
      const docs = (
        ts.getLeadingCommentRanges(file.text, node.getFullStart()) ?? []
      ).filter(range => file.text.startsWith('/**', range.pos));
      const doc = docs[docs.length - 1];
      if (!doc || !TAG.test(file.text.slice(doc.pos, doc.end))) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        missing.push(
          `${path.relative(ROOT, file.fileName)}:${
            line + 1
          } ${exported.getName()}`,
        );
      }
    }
  }
  return missing;
}

describe('release tags', () => {
  const indexes = pluginIndexes();
  const program = ts.createProgram(indexes, {
    module: ts.ModuleKind.ES2020,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    jsx: ts.JsxEmit.ReactJSX,
    skipLibCheck: true,
    noEmit: true,
  });

  it('finds every plugin package', () => {
    expect(indexes.length).toBeGreaterThanOrEqual(7);
  });

  it.each(indexes.map(index => [path.relative(ROOT, index), index]))(
    'every export of %s carries @public or @internal',
    (_name, index) => {
      expect(untagged(program, index)).toEqual([]);
    },
  );
});
