// Adds a TSDoc release tag (@public, or @internal for the names given) to the declaration of every export of each
// package index given that carries none (packages/lab-testing/src/releaseTags.test.ts lists them). From the root:
//   source scripts/env.sh && node scripts/tag-exports.js plugins/<package>/src/index.ts... [--internal name,name]
// then `yarn prettier --write` the changed files.
const ts = require('typescript');
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const internal = new Set(
  (args[args.indexOf('--internal') + 1] || '').split(','),
);
const indexes = args.filter(
  (a, i) => !a.startsWith('--') && args[i - 1] !== '--internal',
);
const program = ts.createProgram(indexes, {
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  module: ts.ModuleKind.ES2020,
  target: ts.ScriptTarget.ES2022,
  jsx: ts.JsxEmit.ReactJSX,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
const edits = new Map(); // file -> Map(pos -> {tag, commentRange|null, node})
for (const index of indexes) {
  const pkgDir = path.resolve(index, '../..');
  const sf = program.getSourceFile(path.resolve(index));
  for (let sym of checker.getExportsOfModule(checker.getSymbolAtLocation(sf))) {
    const name = sym.getName();
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    for (const decl of sym.declarations || []) {
      const file = decl.getSourceFile().fileName;
      if (!file.startsWith(pkgDir + '/') || file.includes('node_modules'))
        continue;
      let node = decl;
      if (ts.isVariableDeclaration(node)) node = node.parent.parent;
      if (ts.isSourceFile(node)) continue;
      const text = decl.getSourceFile().text;
      const ranges =
        ts.getLeadingCommentRanges(text, node.getFullStart()) || [];
      const docs = ranges.filter(
        r =>
          text.slice(r.pos, r.pos + 3) === '/**' &&
          text.slice(r.pos, r.pos + 4) !== '/**/',
      );
      const doc = docs[docs.length - 1];
      const docText = doc ? text.slice(doc.pos, doc.end) : '';
      if (/@(public|internal|alpha|beta)\b/.test(docText)) continue;
      const tag = internal.has(name) ? '@internal' : '@public';
      if (!edits.has(file)) edits.set(file, new Map());
      edits.get(file).set(doc ? doc.pos : node.getStart(), {
        tag,
        doc,
        nodeStart: node.getStart(),
        name,
      });
    }
  }
}
let count = 0;
for (const [file, m] of edits) {
  let text = fs.readFileSync(file, 'utf8');
  const list = [...m.entries()].sort((a, b) => b[0] - a[0]);
  for (const [pos, e] of list) {
    const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
    const indent = text.slice(lineStart, pos).match(/^\s*/)[0];
    if (e.doc) {
      const body = text.slice(e.doc.pos, e.doc.end);
      let out;
      if (!body.includes('\n')) {
        const inner = body.slice(3, -2).trim();
        out = `/**\n${indent} * ${inner}\n${indent} *\n${indent} * ${e.tag}\n${indent} */`;
      } else {
        const closing = body.lastIndexOf('*/');
        let head = body.slice(0, closing).replace(/[ \t]*$/, '');
        if (!head.endsWith('\n')) head += '\n';
        out = `${head}${indent} *\n${indent} * ${e.tag}\n${indent} */`;
      }
      text = text.slice(0, e.doc.pos) + out + text.slice(e.doc.end);
    } else {
      text =
        text.slice(0, pos) + `/** ${e.tag} */\n${indent}` + text.slice(pos);
    }
    count++;
  }
  fs.writeFileSync(file, text);
}
console.log('tagged', count, 'declarations in', edits.size, 'files');
