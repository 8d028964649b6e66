import {
  parsePveShellCommands,
  ProxmoxContract,
  pveCommandToApi,
  PCT_LOCAL_ONLY,
} from '@docker-env/lab';
import fs from 'node:fs';
import { repoFile } from './__testUtils__/repoFiles';

// The operations guide's pct/pveum/pvesh commands were never run against a real PVE: each is mapped
// to the API call the CLI makes and every option checked against the pinned PVE 9.1 schema.
describe('the operations guide’s Proxmox commands against the pinned API schema', () => {
  const guide = fs.readFileSync(
    repoFile('docs', 'operations_guide.md'),
    'utf8',
  );
  const contract = ProxmoxContract.load(
    repoFile('contracts', 'proxmox-ve-lxc-api.schema.json'),
  );
  const commands = parsePveShellCommands(guide);

  it('finds the template recipe, the token role and the datacenter firewall', () => {
    const verbs = commands.map(c => c.words.slice(0, 3).join(' '));
    for (const expected of [
      'pct create 9000',
      'pct template 9000',
      'pveum role add',
      'pveum user add',
      'pveum user token',
      'pveum acl modify',
      'pvesh set /cluster/firewall/options',
    ])
      expect(verbs.some(v => v.startsWith(expected))).toBe(true);
  });

  it('maps every command to an API call, except pct subcommands that run on the node only', () => {
    const unmapped = commands.filter(c => !pveCommandToApi(c));
    expect(unmapped.filter(c => !PCT_LOCAL_ONLY.has(c.words[1]))).toEqual([]);
  });

  const apiCommands = commands.filter(c => pveCommandToApi(c));
  it.each(apiCommands.map(c => [c.line, c]))('%s', (_line, cmd) => {
    const call = pveCommandToApi(cmd)!;
    const params: Record<string, string> = { ...call.params };
    if (call.template.includes('{node}')) params.node = 'pve1';
    // the operation exists in the pinned schema, and every option is one of its parameters with a valid value
    expect(() => contract.operation(call.method, call.template)).not.toThrow();
    expect(
      contract.validateRequest(call.method, call.template, params),
    ).toEqual([]);
  });

  it('sets the golden template’s features and firewall as the guide explains', () => {
    const create = commands.find(c => c.words[1] === 'create')!;
    const p = pveCommandToApi(create)!.params;
    expect(p).toMatchObject({
      unprivileged: '1',
      features: 'nesting=1,keyctl=1',
    });
    expect(p.net0.split(',')).toContain('firewall=1');
  });
});
