import {
  assertDnsLabel,
  assertHostname,
  assertIpv4,
  assertPathPrefix,
  assertSafeName,
  assertInteger,
} from './safeValues';

const hostile = [
  'a"b',
  "a'b",
  'a`b',
  'a b',
  'a\nb',
  '../x',
  'ünï',
  'x'.repeat(300),
  '',
];

describe('safe values', () => {
  it.each(hostile)('refuses %j everywhere', value => {
    expect(() => assertDnsLabel(value, 'name')).toThrow(/^name: /);
    expect(() => assertHostname(value, 'host')).toThrow(/^host: /);
    expect(() => assertIpv4(value, 'ip')).toThrow(/^ip: /);
    expect(() => assertPathPrefix(value, 'path')).toThrow(/^path: /);
    expect(() => assertSafeName(value, 'id')).toThrow(/^id: /);
  });

  it('accepts well-formed values', () => {
    expect(assertDnsLabel('team-a1', 'name')).toBe('team-a1');
    expect(assertHostname('app.docker.example.com', 'host')).toBe(
      'app.docker.example.com',
    );
    expect(assertIpv4('127.10.0.101', 'ip')).toBe('127.10.0.101');
    expect(assertPathPrefix('/api/v1', 'path')).toBe('/api/v1');
    expect(assertSafeName('web_1-new', 'id')).toBe('web_1-new');
    expect(assertInteger(101, 'vmid', 100, 999999999)).toBe(101);
  });

  it('refuses out-of-range and malformed numbers and addresses', () => {
    expect(() => assertIpv4('256.1.1.1', 'ip')).toThrow(
      'ip: must be an IPv4 address',
    );
    expect(() => assertPathPrefix('/api/../etc', 'path')).toThrow(/no "\.\."/);
    expect(() => assertInteger(99, 'vmid', 100, 999999999)).toThrow(
      'vmid: must be a whole number between 100 and 999999999',
    );
    expect(() => assertInteger('101', 'vmid', 100, 999)).toThrow(
      /whole number/,
    );
  });
});
