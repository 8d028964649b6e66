/** One `pct`, `pveum` or `pvesh` command line from a document, split into words. */
export interface PveShellCommand {
  /** The line as written (continuations joined). */
  line: string;
  tool: 'pct' | 'pveum' | 'pvesh';
  words: string[];
}

/** The API call a PVE command line stands for (node `{node}` kept as a template parameter). */
export interface PveApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  template: string;
  /** Path parameters and options, as strings (what travels on the wire). */
  params: Record<string, string>;
}

/** `pct` subcommands that run on the node itself and have no API call (lxc-attach, file copy). */
export const PCT_LOCAL_ONLY = new Set(['exec', 'push', 'pull', 'enter']);

/** Splits a shell line into words: single and double quotes, backslash escapes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let any = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      any = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      any = true;
    } else if (/\s/.test(c)) {
      if (cur || any) words.push(cur);
      cur = '';
      any = false;
    } else if (c === '#' && !cur && !any) {
      break;
    } else cur += c;
  }
  if (cur || any) words.push(cur);
  return words;
}

/**
 * The `pct`, `pveum` and `pvesh` command lines of the shell blocks (```sh / ```bash) of a Markdown
 * document; `\` continuations are joined. `pct exec VMID -- ...` keeps the words after `--`.
 */
export function parsePveShellCommands(markdown: string): PveShellCommand[] {
  const out: PveShellCommand[] = [];
  const blocks = markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g);
  for (const [, body] of blocks) {
    const lines = body.replace(/\\\n\s*/g, ' ').split('\n');
    for (const raw of lines) {
      const line = raw.trim();
      const words = shellWords(line);
      const tool = words[0];
      if (tool === 'pct' || tool === 'pveum' || tool === 'pvesh')
        out.push({ line, tool, words });
    }
  }
  return out;
}

/** `--name value` / `-name value` options after the positional words. */
function options(words: string[]): {
  positional: string[];
  opts: Record<string, string>;
} {
  const positional: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--') break;
    const m = /^--?([a-z][a-z0-9_-]*)$/i.exec(w);
    if (m) {
      if (i + 1 >= words.length) throw new Error(`option ${w} has no value`);
      opts[m[1]] = words[++i];
    } else positional.push(w);
  }
  return { positional, opts };
}

/**
 * Maps a command to its API call, as the CLIs do (`pct` and `pveum` are thin wrappers over the
 * API: `pct create` is `POST /nodes/{node}/lxc`, `pct set` is `PUT .../lxc/{vmid}/config`,
 * `pveum role add` is `POST /access/roles`, `pvesh set PATH` is `PUT PATH`...). Undefined for
 * node-local `pct` subcommands ({@link PCT_LOCAL_ONLY}); throws for a command it does not know.
 */
export function pveCommandToApi(cmd: PveShellCommand): PveApiCall | undefined {
  const [, sub, ...rest] = cmd.words;
  const ct = '/nodes/{node}/lxc/{vmid}';
  if (cmd.tool === 'pct') {
    if (PCT_LOCAL_ONLY.has(sub)) return undefined;
    const { positional: [vmid, second], opts } = options(rest);
    const power = ['start', 'stop', 'shutdown', 'reboot'];
    if (sub === 'create')
      return { method: 'POST', template: '/nodes/{node}/lxc', params: { ...opts, vmid, ostemplate: second } };
    if (sub === 'set') return { method: 'PUT', template: `${ct}/config`, params: { ...opts, vmid } };
    if (sub === 'template') return { method: 'POST', template: `${ct}/template`, params: { ...opts, vmid } };
    if (sub === 'destroy') return { method: 'DELETE', template: ct, params: { ...opts, vmid } };
    if (sub === 'snapshot')
      return { method: 'POST', template: `${ct}/snapshot`, params: { ...opts, vmid, snapname: second } };
    if (power.includes(sub)) return { method: 'POST', template: `${ct}/status/${sub}`, params: { ...opts, vmid } };
    throw new Error(`pct ${sub}: no API mapping known`);
  }
  if (cmd.tool === 'pveum') {
    const [obj, verb, ...more] = [sub, ...rest];
    const { positional, opts } = options(more);
    if (obj === 'role' && verb === 'add')
      return { method: 'POST', template: '/access/roles', params: { ...opts, roleid: positional[0] } };
    if (obj === 'role' && verb === 'modify')
      return { method: 'PUT', template: '/access/roles/{roleid}', params: { ...opts, roleid: positional[0] } };
    if (obj === 'user' && verb === 'add')
      return { method: 'POST', template: '/access/users', params: { ...opts, userid: positional[0] } };
    if (obj === 'user' && verb === 'token') {
      const [tverb, userid, tokenid] = positional;
      const template = '/access/users/{userid}/token/{tokenid}';
      if (tverb === 'add') return { method: 'POST', template, params: { ...opts, userid, tokenid } };
      if (tverb === 'modify') return { method: 'PUT', template, params: { ...opts, userid, tokenid } };
      if (tverb === 'remove') return { method: 'DELETE', template, params: { userid, tokenid } };
    }
    if ((obj === 'acl' || obj === 'aclmod') && (verb === 'modify' || obj === 'aclmod'))
      return {
        method: 'PUT',
        template: '/access/acl',
        params: { ...opts, path: obj === 'aclmod' ? verb : positional[0] },
      };
    if (obj === 'acl' && verb === 'delete')
      return { method: 'PUT', template: '/access/acl', params: { ...opts, path: positional[0], delete: '1' } };
    throw new Error(`pveum ${obj} ${verb}: no API mapping known`);
  }
  const verbs: Record<string, PveApiCall['method']> = {
    get: 'GET',
    set: 'PUT',
    create: 'POST',
    delete: 'DELETE',
  };
  const method = verbs[sub];
  const { positional, opts } = options(rest);
  if (!method || !positional[0]) throw new Error(`pvesh ${sub}: no API mapping known`);
  return { method, template: positional[0], params: opts };
}
