import { ConfigReader } from '@backstage/config';
import { readProvisioningConfig } from './config';
import { publishedPorts } from './firewallRules';

function read(provisioning: object, extra: object = {}) {
  return readProvisioningConfig(
    new ConfigReader({
      dockerEnv: {
        traefik: { baseDomain: 'docker.example.com' },
        provisioning,
        ...extra,
      },
    }),
  ).firewall;
}

const SOURCES = {
  portal: ['10.0.0.11', '10.0.0.12', 'fd00::11'],
  portainer: '10.0.1.5',
  traefik: ['10.0.2.0/28'],
};

describe('the environments firewall rules', () => {
  it('opens the agent to Portainer and the portal, the published ports to Traefik and the portal, nothing else (golden template)', () => {
    const fw = read({ firewall: { sources: SOURCES } });
    expect(fw.options).toEqual({
      enable: true,
      policy_in: 'DROP',
      policy_out: 'ACCEPT',
    });
    expect(fw.rules).toEqual([
      {
        type: 'in',
        action: 'ACCEPT',
        proto: 'tcp',
        dport: '9001',
        source: '10.0.1.5,10.0.0.11,10.0.0.12',
        comment: 'docker-env portainer agent',
      },
      {
        type: 'in',
        action: 'ACCEPT',
        proto: 'tcp',
        dport: '9001',
        source: 'fd00::11',
        comment: 'docker-env portainer agent (ipv6)',
      },
      {
        type: 'in',
        action: 'ACCEPT',
        proto: 'tcp',
        dport: '80:9000,9002:65535',
        source: '10.0.2.0/28,10.0.0.11,10.0.0.12',
        comment: 'docker-env published ports',
      },
      {
        type: 'in',
        action: 'ACCEPT',
        proto: 'tcp',
        dport: '80:9000,9002:65535',
        source: 'fd00::11',
        comment: 'docker-env published ports (ipv6)',
      },
    ]);
  });

  it('opens SSH from the portal only where SSH is used: the OS-template path and Docker over SSH', () => {
    const ssh = (fw: ReturnType<typeof read>) =>
      fw.rules.filter(r => r.comment?.startsWith('docker-env ssh'));
    expect(ssh(read({ firewall: { sources: SOURCES } }))).toEqual([]);
    const osTemplate = read({
      firewall: { sources: SOURCES },
      source: {
        kind: 'osTemplate',
        ostemplate: 'local:vztmpl/debian.tar.zst',
        sshPublicKeys: ['ssh-ed25519 AAAA'],
      },
    });
    expect(ssh(osTemplate).map(r => [r.dport, r.source])).toEqual([
      ['22', '10.0.0.11,10.0.0.12'],
      ['22', 'fd00::11'],
    ]);
    const overSsh = read(
      { firewall: { sources: SOURCES } },
      { docker: { kind: 'ssh' }, ssh: { port: 2222 } },
    );
    expect(ssh(overSsh).map(r => r.dport)).toEqual(['2222', '2222']);
    // the SSH port is not among the published ports Traefik reaches
    expect(
      overSsh.rules.find(r => r.comment === 'docker-env published ports')
        ?.dport,
    ).toBe('80:2221,2223:9000,9002:65535');
  });

  it('allows ICMP only from its configured sources, any address included', () => {
    const none = read({ firewall: { sources: SOURCES } });
    expect(none.rules.some(r => r.proto?.startsWith('icmp'))).toBe(false);
    const any = read({
      firewall: { sources: { ...SOURCES, icmp: '0.0.0.0/0, ::/0' } },
    });
    expect(
      any.rules
        .filter(r => r.proto?.startsWith('icmp'))
        .map(r => [r.proto, r.source]),
    ).toEqual([
      ['icmp', '0.0.0.0/0'],
      ['icmpv6', '::/0'],
    ]);
  });

  it('with no sources configured, no port is opened', () => {
    expect(read({}).rules).toEqual([]);
  });

  it.each([
    ['portal', ['10.0.0.1', '0.0.0.0/0'], 'portal[1]: "0.0.0.0/0" is any'],
    ['portainer', '::/0', 'portainer[0]: "::/0" is any'],
    ['portainer', '0.0.0.0', 'portainer[0]: "0.0.0.0" is any'],
    ['traefik', ['10.0.0.300'], 'traefik[0]: "10.0.0.300" is not an IP'],
    ['portal', ['10.0.0.0/33'], 'portal[0]: "10.0.0.0/33" is not an IP'],
    ['portal', ['example.com'], 'portal[0]: "example.com" is not an IP'],
    ['icmp', [3], 'icmp: must be a list of addresses'],
  ])('refuses %s = %j, naming the field', (key, value, message) => {
    expect(() =>
      read({ firewall: { sources: { ...SOURCES, [key]: value } } }),
    ).toThrow(`dockerEnv.provisioning.firewall.sources.${message}`);
  });

  it('documents and applies the egress policy (firewall.policyOut)', () => {
    expect(read({}).options.policy_out).toBe('ACCEPT');
    expect(read({ firewall: { policyOut: 'DROP' } }).options.policy_out).toBe(
      'DROP',
    );
    expect(() => read({ firewall: { policyOut: 'ALLOW' } })).toThrow(
      'dockerEnv.provisioning.firewall: policies are ACCEPT, DROP or REJECT',
    );
  });

  it('the published ports never include the excluded ones', () => {
    expect(publishedPorts([9001])).toBe('80:9000,9002:65535');
    expect(publishedPorts([22, 9001])).toBe('80:9000,9002:65535');
    expect(publishedPorts([80, 81, 65535])).toBe('82:65534');
    expect(publishedPorts([])).toBe('80:65535');
  });
});
