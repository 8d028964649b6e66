import { parseRouteLabels, publishedPort } from './labels';

const bad = (labels: Record<string, string>) => {
  const parsed = parseRouteLabels(labels);
  if (parsed.kind !== 'bad')
    throw new Error(`not refused: ${JSON.stringify(labels)}`);
  return parsed.problems.join('; ');
};

describe('route labels', () => {
  it('reads a host route and a path route with strip-prefix', () => {
    expect(
      parseRouteLabels({
        'docker-env.route.host': 'web',
        'docker-env.route.port': '8080',
      }),
    ).toEqual({
      kind: 'request',
      request: {
        claim: 'host:web',
        host: 'web',
        port: 8080,
        stripPrefix: false,
      },
    });
    expect(
      parseRouteLabels({
        'docker-env.route.path': '/api/v1',
        'docker-env.route.strip-prefix': 'true',
      }),
    ).toEqual({
      kind: 'request',
      request: { claim: 'path:/api/v1', path: '/api/v1', stripPrefix: true },
    });
    expect(parseRouteLabels({ other: 'x' })).toEqual({ kind: 'none' });
  });

  it.each([
    [{ 'docker-env.route.path': '/' }, "is the environment's main route"],
    [
      { 'docker-env.route.path': '/a/../b' },
      'must not contain a . or .. segment',
    ],
    [{ 'docker-env.route.path': '/a//b' }, 'must not contain an empty segment'],
    [{ 'docker-env.route.path': '/api/' }, 'must not end with a slash'],
    [
      { 'docker-env.route.path': '/a b' },
      'has characters outside [A-Za-z0-9._~/-]',
    ],
    [{ 'docker-env.route.path': 'api' }, 'must start with /'],
    [{ 'docker-env.route.host': 'Web_1' }, 'is not a DNS label'],
    [{ 'docker-env.route.host': '-web' }, 'is not a DNS label'],
    [
      { 'docker-env.route.host': 'a', 'docker-env.route.path': '/a' },
      'give one of them, not both',
    ],
    [
      { 'docker-env.route.host': 'a', 'docker-env.route.port': '70000' },
      'is not a port number from 1 to 65535',
    ],
    [
      { 'docker-env.route.host': 'a', 'docker-env.route.port': 'http' },
      'is not a port number',
    ],
    [
      { 'docker-env.route.host': 'a', 'docker-env.route.strip-prefix': 'yes' },
      'must be true or false',
    ],
  ])('refuses %j: %s', (labels, rule) => {
    expect(bad(labels)).toContain(rule);
  });

  it('finds the host port published for the container port, and says why there is none', () => {
    const ports = [
      { containerPort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
      {
        containerPort: 81,
        protocol: 'tcp',
        hostIp: '127.0.0.1',
        hostPort: 8081,
      },
      { containerPort: 82, protocol: 'tcp' },
    ];
    expect(publishedPort(ports, 80)).toEqual({
      hostPort: 8080,
      containerPort: 80,
    });
    expect(publishedPort(ports.slice(0, 1), undefined)).toEqual({
      hostPort: 8080,
      containerPort: 80,
    });
    expect(publishedPort(ports, undefined)).toEqual({
      reason: expect.stringContaining('label docker-env.route.port is needed'),
    });
    expect(publishedPort(ports, 81)).toEqual({
      reason: expect.stringContaining('published on 127.0.0.1 only'),
    });
    expect(publishedPort(ports, 82)).toEqual({
      reason: expect.stringContaining('is not published on the host'),
    });
  });
});
