import fs from 'node:fs';
import { readYaml, repoFile, schemaValidator } from './__testUtils__/repoFiles';

// The files an operator deploys, checked against the products' own schemas (contracts/README.md
// says where each schema comes from).
describe('deploy/ against the pinned schemas', () => {
  it('traefik.yml is a valid Traefik v3 static configuration with the entry points and resolver the guide names', () => {
    const doc = readYaml('deploy', 'traefik', 'traefik.yml') as any;
    expect(schemaValidator('traefik-v3-static.schema.json')(doc)).toEqual([]);
    expect(doc.entryPoints.web.http.redirections.entryPoint).toMatchObject({
      to: 'websecure',
      scheme: 'https',
    });
    expect(doc.entryPoints.websecure.address).toBe(':443');
    expect(doc.providers.file).toMatchObject({ watch: true });
    expect(
      doc.certificatesResolvers.le.acme.dnsChallenge.provider,
    ).toBeTruthy();
  });

  it('the dynamic files beside it are valid file-provider configuration', () => {
    const validate = schemaValidator('traefik-v3-file-provider.schema.json');
    for (const f of ['tls.yml', 'portal.yml'])
      expect([
        f,
        validate(readYaml('deploy', 'traefik', 'dynamic', f)),
      ]).toEqual([f, []]);
    const tls = readYaml('deploy', 'traefik', 'dynamic', 'tls.yml') as any;
    expect(tls.tls.stores.default.defaultGeneratedCert.domain.sans).toEqual([
      '*.docker.example.com',
    ]);
  });

  it('compose.yaml is a valid Compose file: PostgreSQL and two replicas of one portal definition', () => {
    const doc = readYaml('deploy', 'compose', 'compose.yaml') as any;
    expect(schemaValidator('compose-spec.schema.json')(doc)).toEqual([]);
    const { ['portal-1']: a, ['portal-2']: b, postgres } = doc.services;
    expect(postgres.image).toMatch(/^postgres:/);
    const { hostname: _a, ...sameA } = a;
    const { hostname: _b, ...sameB } = b;
    expect(sameA).toEqual(sameB);
    expect(a.depends_on.postgres.condition).toBe('service_healthy');
    const servers = (
      readYaml('deploy', 'traefik', 'dynamic', 'portal.yml') as any
    ).http.services.portal.loadBalancer.servers;
    expect(servers.map((s: any) => s.url)).toEqual([
      'http://portal-1:7007',
      'http://portal-2:7007',
    ]);
  });

  it('the operations guide’s configuration table names every variable app-config.production.yaml reads', () => {
    const config = fs.readFileSync(
      repoFile('app-config.production.yaml'),
      'utf8',
    );
    const guide = fs.readFileSync(
      repoFile('docs', 'operations_guide.md'),
      'utf8',
    );
    const section = guide.slice(
      guide.indexOf('## 3. Configuration'),
      guide.indexOf('## 4.'),
    );
    // the first column of the table's rows
    const firstColumns = section
      .split('\n')
      .filter(l => l.startsWith('| `'))
      .map(l => l.split('|')[1])
      .join(' ');
    const names = (text: string, re: RegExp) =>
      [...new Set([...text.matchAll(re)].map(m => m[1]))].sort();
    expect(names(firstColumns, /`([A-Z][A-Z0-9_]*)`/g)).toEqual(
      names(config, /\$\{([A-Z][A-Z0-9_]*)(?::-[^}]*)?\}/g),
    );
  });
});
