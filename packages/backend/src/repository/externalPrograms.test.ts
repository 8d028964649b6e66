/*
 * Every external program a test or script runs comes from somewhere the project installs: a package of
 * scripts/deps/debian.txt (which the scripts install from), node_modules/.bin (yarn.lock), the toolchain the scripts
 * bring (node, yarn) or Debian's essential set. Found statically: execFile/spawn/exec calls (and their promisified
 * aliases) with a literal program, absolute bin paths, `command -v` and `deps_install` in the scripts.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

/** Programs every machine that runs the scripts has, and why. */
const BASE: Record<string, string> = {
  sh: 'dash, Debian essential',
  '/bin/sh': 'dash, Debian essential',
  bash: 'Debian essential',
  '/usr/bin/env': 'coreutils, Debian essential',
  'apt-get': 'apt, on every Debian',
  node: 'scripts/env.sh installs Node 22',
  npm: 'the one prerequisite (README, Quick start)',
  yarn: 'the committed release, .yarn/releases (scripts/env.sh)',
};
/** Paths that look like programs but are not run by the project. */
const NOT_RUN: Record<string, string> = {
  '/usr/sbin/policy-rc.d':
    'written by scripts/deps/lib.sh so dpkg starts no service',
};

/** debian.txt: each listed program (name or absolute path, globs allowed) with its package. */
function listedPrograms(text: string): Map<string, string> {
  const programs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [pkg, ...provided] = line.trim().split(/\s+/);
    if (!pkg || pkg.startsWith('#')) continue;
    for (const p of provided) programs.set(p, pkg.replace(/^\?/, ''));
  }
  return programs;
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory())
      return ['node_modules', 'dist', 'dist-types'].includes(e.name)
        ? []
        : filesUnder(p, pattern);
    return pattern.test(e.name) ? [p] : [];
  });
}

/** The programs a source or script file runs, as written. */
function programsRun(file: string, source: string): string[] {
  let text = source;
  const found: string[] = [];
  const add = (re: RegExp, group = 1) => {
    for (const m of text.matchAll(re)) found.push(m[group]);
  };
  if (file.endsWith('.sh') || path.basename(file) === 'run') {
    // comments name programs without running them
    text = text
      .split('\n')
      .filter(l => !l.trim().startsWith('#'))
      .join('\n');
    add(/command -v ([\w.+-]+)/g);
    add(/(?<![\w.$}/*-])((?:\/usr)?\/s?bin\/[\w.+-]+)/g);
    for (const m of text.matchAll(/\bdeps_install ([^|;&)\n]+)/g)) {
      found.push(
        ...m[1]
          .split(/\s+/)
          .map(w => w.replace(/^['"]|['"]$/g, ''))
          .filter(w => /^[\w./*+-]+$/.test(w)),
      );
    }
    return found;
  }
  const calls = ['execFile', 'execFileSync', 'spawn', 'spawnSync'];
  for (const m of text.matchAll(
    /const (\w+) = promisify\((?:execFile|exec)\)/g,
  ))
    calls.push(m[1]);
  add(new RegExp(`\\b(?:${calls.join('|')})\\(\\s*['"\`]([^'"\`\\s]+)`, 'g'));
  add(/\bexec(?:Sync)?\(\s*['"`]([^'"`\s]+)/g);
  add(/promisify\(\w+\)\(\s*['"`]([^'"`\s]+)/g);
  add(/['"`]((?:\/usr)?\/s?bin\/[\w.+-]+)['"`]/g);
  return found;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]+')}$`,
  );
  return re.test(value);
}

/** Where a program comes from, or undefined when from nowhere the project installs. */
function providerOf(
  program: string,
  listed: Map<string, string>,
): string | undefined {
  if (BASE[program]) return BASE[program];
  if (NOT_RUN[program]) return NOT_RUN[program];
  for (const [p, pkg] of listed)
    if (p === program || globMatch(p, program)) return `Debian ${pkg}`;
  if (
    !program.includes('/') &&
    fs.existsSync(path.join(ROOT, 'node_modules/.bin', program))
  )
    return 'node_modules/.bin';
  return undefined;
}

function scannedFiles(): string[] {
  return [
    ...filesUnder(path.join(ROOT, 'scripts'), /\.sh$/),
    ...filesUnder(path.join(ROOT, '.ci'), /^run$/),
    ...['packages', 'plugins'].flatMap(d =>
      filesUnder(path.join(ROOT, d), /\.(ts|tsx|mjs|js|cjs)$/),
    ),
  ];
}

function unprovided(listText: string): string[] {
  const listed = listedPrograms(listText);
  return scannedFiles().flatMap(file =>
    programsRun(file, fs.readFileSync(file, 'utf8'))
      .filter(p => !providerOf(p, listed))
      .map(p => `${path.relative(ROOT, file)} runs ${p}`),
  );
}

const LIST = fs.readFileSync(
  path.join(ROOT, 'scripts/deps/debian.txt'),
  'utf8',
);

describe('external programs of the tests and scripts', () => {
  it('finds the programs it is meant to check', () => {
    const all = scannedFiles().flatMap(f =>
      programsRun(f, fs.readFileSync(f, 'utf8')).map(
        p => `${path.relative(ROOT, f)} ${p}`,
      ),
    );
    expect(all).toEqual(
      expect.arrayContaining([
        'plugins/docker-env-backend/src/deployments/gitlabCi.test.ts rsync',
        'plugins/docker-env-backend/src/deployments/gitlabCi.test.ts git',
        'plugins/docker-env-backend/src/deployments/secretCanary.test.ts pg_dump',
        'plugins/docker-env-node/src/docker/DockerClient.podman.test.ts podman',
        'plugins/docker-env-node/src/ssh/SshClient.test.ts ssh-keygen',
        'packages/app/e2e/portal.mjs yarn',
        'scripts/journey.sh chromium',
        'scripts/services/slapd.sh /usr/sbin/slapd',
      ]),
    );
  });

  it('are each provided by scripts/deps/debian.txt, node_modules or the base system', () => {
    expect(unprovided(LIST)).toEqual([]);
  });

  it('a program dropped from the list is named', () => {
    const withoutRsync = LIST.replace(/^rsync .*$/m, '');
    expect(unprovided(withoutRsync)).toEqual([
      'plugins/docker-env-backend/src/deployments/gitlabCi.test.ts runs rsync',
    ]);
  });
});
