import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

// The import direction of plugins/README.md, checked on the source files as they are:
// - the common library imports nothing of ours;
// - the frontend (the docker-env plugin and the app) imports no node code: no node builtin, no package whose
//   Backstage role is a backend or node one;
// - nothing under a plugin's src/ except a `*.test.ts(x)` imports the lab or its test helpers.

const ROOT = path.resolve(__dirname, '../../..');
const NODE_ROLES = new Set([
  'backend',
  'backend-plugin',
  'backend-plugin-module',
  'node-library',
]);
const LAB_PACKAGES = new Set(['@docker-env/lab', '@docker-env/lab-testing']);
const BUILTINS = new Set(builtinModules);

interface Workspace {
  name: string;
  dir: string;
}

interface ImportOf {
  file: string;
  specifier: string;
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function workspaces(): Workspace[] {
  return ['packages', 'plugins'].flatMap(group =>
    fs
      .readdirSync(path.join(ROOT, group))
      .map(name => path.join(ROOT, group, name))
      .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
      .map(dir => ({
        name: readJson(path.join(dir, 'package.json')).name,
        dir,
      })),
  );
}

function workspace(relativeDir: string): Workspace {
  const dir = path.join(ROOT, relativeDir);
  return { name: readJson(path.join(dir, 'package.json')).name, dir };
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' ? [] : sourceFiles(full);
    }
    return /\.(ts|tsx|js|mjs|cjs)$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts')
      ? [full]
      : [];
  });
}

const isTestFile = (file: string) =>
  /\.test\.tsx?$/.test(file) || /(^|\/)setupTests\.ts$/.test(file);

/** Every static import, re-export, `require` and `import()` of `files`. */
function importsOf(files: string[]): ImportOf[] {
  return files.flatMap(file =>
    ts
      .preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
      .importedFiles.map(imported => ({ file, specifier: imported.fileName })),
  );
}

/** `@scope/name` or `name` of a bare specifier. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@')
    ? parts.slice(0, 2).join('/')
    : (parts[0] as string);
}

const isRelative = (specifier: string) =>
  specifier === '.' ||
  specifier === '..' ||
  specifier.startsWith('./') ||
  specifier.startsWith('../');

/** The Backstage role of an imported package, looked up from the importing package's directory upwards. */
function roleOf(name: string, fromDir: string, ours: Workspace[]): string {
  const own = ours.find(w => w.name === name);
  if (own) return readJson(path.join(own.dir, 'package.json')).backstage?.role;
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(manifest)) return readJson(manifest).backstage?.role;
    if (dir === path.dirname(dir)) return '';
  }
}

const describeImports = (found: ImportOf[]) =>
  found.map(i => `${path.relative(ROOT, i.file)}: ${i.specifier}`);

describe('the import graph of plugins/README.md', () => {
  const ours = workspaces();

  it('finds the packages it checks', () => {
    expect(ours.map(w => w.name)).toEqual(
      expect.arrayContaining([
        '@docker-env/plugin-docker-env-common',
        '@docker-env/plugin-docker-env',
        '@docker-env/lab',
        '@docker-env/lab-testing',
      ]),
    );
  });

  it('the common library imports nothing of ours', () => {
    const common = workspace('plugins/docker-env-common');
    const files = sourceFiles(path.join(common.dir, 'src'));
    expect(files.length).toBeGreaterThan(5);
    const found = importsOf(files).filter(({ file, specifier }) => {
      if (isRelative(specifier)) {
        const target = path.resolve(path.dirname(file), specifier);
        return !target.startsWith(common.dir + path.sep);
      }
      return ours.some(w => w.name === packageName(specifier));
    });
    expect(describeImports(found)).toEqual([]);
  });

  it.each(['plugins/docker-env', 'packages/app'])(
    'the frontend (%s) imports no node code',
    relativeDir => {
      const frontend = workspace(relativeDir);
      const files = sourceFiles(path.join(frontend.dir, 'src')).filter(
        f => !isTestFile(f),
      );
      expect(files.length).toBeGreaterThan(2);
      const found = importsOf(files).filter(({ specifier }) => {
        if (isRelative(specifier)) return false;
        if (specifier.startsWith('node:') || BUILTINS.has(specifier)) {
          return true;
        }
        const role = roleOf(packageName(specifier), frontend.dir, ours);
        return NODE_ROLES.has(role);
      });
      expect(describeImports(found)).toEqual([]);
    },
  );

  it('nothing under a plugin src/ but a test file imports the lab', () => {
    const lab = ours.filter(w => LAB_PACKAGES.has(w.name)).map(w => w.dir);
    const files = ours
      .filter(w => path.basename(path.dirname(w.dir)) === 'plugins')
      .flatMap(w => sourceFiles(path.join(w.dir, 'src')))
      .filter(f => !/\.test\.tsx?$/.test(f));
    expect(files.length).toBeGreaterThan(100);
    const found = importsOf(files).filter(({ file, specifier }) => {
      if (isRelative(specifier)) {
        const target = path.resolve(path.dirname(file), specifier);
        return lab.some(dir => target.startsWith(dir + path.sep));
      }
      return LAB_PACKAGES.has(packageName(specifier));
    });
    expect(describeImports(found)).toEqual([]);
  });
});
