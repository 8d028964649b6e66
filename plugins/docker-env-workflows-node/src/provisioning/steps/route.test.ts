import { environmentUrl } from './route';

describe('environmentUrl', () => {
  const url = (scheme: 'http' | 'https', port?: number) =>
    environmentUrl(
      { publicUrl: { scheme, baseDomain: 'docker.example.test', port } },
      { name: 'shop' },
    );

  it('leaves the scheme’s own port out (production: 443)', () => {
    expect(url('https', 443)).toBe('https://shop.docker.example.test');
    expect(url('http', 80)).toBe('http://shop.docker.example.test');
    expect(url('https')).toBe('https://shop.docker.example.test');
  });

  it('keeps any other port (the lab edge: 18000)', () => {
    expect(url('http', 18000)).toBe('http://shop.docker.example.test:18000');
    expect(url('https', 8443)).toBe('https://shop.docker.example.test:8443');
  });
});
