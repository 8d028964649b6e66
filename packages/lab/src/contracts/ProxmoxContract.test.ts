import { ProxmoxContract } from './ProxmoxContract';
import { toJsRegExpSource } from './proxmoxFormats';

describe('ProxmoxContract', () => {
  const contract = ProxmoxContract.load();

  it('matches concrete paths to templates, literal segments first', () => {
    expect(
      contract.match('POST', '/nodes/pve/lxc/101/snapshot/s1/rollback'),
    ).toEqual({
      template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback',
      pathParams: { node: 'pve', vmid: '101', snapname: 's1' },
    });
    expect(
      contract.match('GET', '/nodes/pve/lxc/101/status/current')?.template,
    ).toBe('/nodes/{node}/lxc/{vmid}/status/current');
    expect(contract.match('GET', '/nodes/pve/qemu')).toBeUndefined();
  });

  it('finds bad requests: unknown, missing, wrongly typed, out of range, unanchored pattern, bad property string', () => {
    const clone = '/nodes/{node}/lxc/{vmid}/clone';
    expect(
      contract.validateRequest('POST', clone, {
        node: 'pve',
        vmid: '9000',
        newid: '101',
        hostname: 'a',
        full: '0',
      }),
    ).toEqual([]);
    expect(
      contract
        .validateRequest('POST', clone, { node: 'pve', vmid: '9000' })
        .join(),
    ).toMatch(/newid/);
    expect(
      contract
        .validateRequest('POST', clone, {
          node: 'pve',
          vmid: '9000',
          newid: '101',
          ssh: 'x',
        })
        .join(),
    ).toMatch(/additional/);
    expect(
      contract
        .validateRequest('POST', clone, {
          node: 'pve',
          vmid: '9000',
          newid: '99',
        })
        .join(),
    ).toMatch(/>= 100/);
    expect(
      contract.validateRequest('POST', clone, {
        node: 'pve',
        vmid: '9000',
        newid: '101',
        full: 'true',
      }),
    ).not.toEqual([]);
    expect(
      contract.validateRequest('POST', clone, {
        node: 'pve',
        vmid: '9000',
        newid: '101',
        hostname: 'a b',
      }),
    ).not.toEqual([]);
    const resize = '/nodes/{node}/lxc/{vmid}/resize';
    expect(
      contract.validateRequest('PUT', resize, {
        node: 'pve',
        vmid: '101',
        disk: 'rootfs',
        size: '+4G',
      }),
    ).toEqual([]);
    // the pattern matches a substring of "x+4Gy" but PVE anchors it
    expect(
      contract.validateRequest('PUT', resize, {
        node: 'pve',
        vmid: '101',
        disk: 'rootfs',
        size: 'x+4Gy',
      }),
    ).not.toEqual([]);
    const create = '/nodes/{node}/lxc';
    const base = {
      node: 'pve',
      vmid: '101',
      ostemplate: 'local:vztmpl/x.tar.zst',
    };
    expect(
      contract.validateRequest('POST', create, {
        ...base,
        net0: 'name=eth0,bridge=vmbr0,ip=dhcp,firewall=1',
        features: 'nesting=1',
      }),
    ).toEqual([]);
    expect(
      contract
        .validateRequest('POST', create, { ...base, net0: 'bridge=vmbr0' })
        .join(),
    ).toMatch(/name: property is missing/);
    expect(
      contract
        .validateRequest('POST', create, {
          ...base,
          features: 'nesting=1,evil=1',
        })
        .join(),
    ).toMatch(/evil/);
  });

  it('validates responses, with the documented PVE quirks only', () => {
    expect(contract.validateResponse('GET', '/cluster/nextid', '100')).toEqual(
      [],
    );
    expect(
      contract.validateResponse('GET', '/cluster/nextid', 'abc'),
    ).not.toEqual([]);
    const status = '/nodes/{node}/lxc/{vmid}/status/current';
    expect(
      contract.validateResponse('GET', status, {
        status: 'running',
        vmid: 101,
        ha: { managed: 0 },
      }),
    ).toEqual([]);
    expect(
      contract.validateResponse('GET', status, {
        status: 'paused',
        vmid: 101,
        ha: {},
      }),
    ).not.toEqual([]);
    expect(
      contract
        .validateResponse('GET', status, { status: 'running', vmid: 101 })
        .join(),
    ).toMatch(/ha/);
    expect(
      contract.validateResponse(
        'GET',
        '/nodes/{node}/lxc/{vmid}/interfaces',
        null,
      ),
    ).toEqual([]);
    expect(
      contract
        .validateResponse('GET', '/nodes/{node}/lxc/{vmid}/snapshot', [
          { name: 'current' },
        ])
        .join(),
    ).toMatch(/description/);
  });

  it('rewrites stringified qr// groups', () => {
    expect(toJsRegExpSource('(?^:\\d+(?:;\\d+)*)')).toBe('(?:\\d+(?:;\\d+)*)');
    expect(
      new RegExp(`^(?:${toJsRegExpSource('(?^:[a-zA-Z0-9_; ]+)')})$`).test(
        'ext4;nfs',
      ),
    ).toBe(true);
  });
});
