/* eslint-disable no-console */
// Benchmark (outside npm test): route written -> certificate served, through the TLS lab's edge and Debian's pebble
// (DNS-01 via pebble-challtestsrv, all on 127.0.0.1). Writes N routes one after another, each with
// `tls.certResolver` and its own host, and measures from the file written to the certificate being served by SNI.
// Run: node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs packages/lab/bench/certResolver.ts [N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTlsEdge } from '../src/tls/edgeTls';
import { makeLabTls } from '../src/tls/labTls';

async function main() {
  const n = Number(process.argv[2] ?? 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cert-'));
  const { caFiles } = makeLabTls({ caDir: path.join(dir, 'ca') });
  const t0 = performance.now();
  const edge = await startTlsEdge({
    directory: path.join(dir, 'routes'),
    caFiles,
    domain: 'docker-env.test',
    resolver: 'lab-acme',
    logger: { info() {}, warn() {}, error: m => console.error(m) },
  });
  const startMs = performance.now() - t0;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const host = `env${i}.team.docker-env.test`;
    const written = performance.now();
    fs.writeFileSync(
      path.join(dir, 'routes', `r${i}.yml`),
      JSON.stringify({
        http: {
          routers: {
            [`r${i}`]: {
              rule: `Host(\`${host}\`)`,
              entryPoints: ['websecure'],
              service: `r${i}`,
              tls: { certResolver: 'lab-acme', domains: [{ main: host }] },
            },
          },
          services: {
            [`r${i}`]: {
              loadBalancer: { servers: [{ url: 'http://127.0.0.1:9' }] },
            },
          },
        },
      }),
    );
    samples.push((await edge.certificates.whenServed([host])) - written);
  }
  await edge.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  samples.sort((a, b) => a - b);
  const q = (p: number) =>
    samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)];
  console.log(
    `cert resolver: start (pebble + wildcard default) ${startMs.toFixed(
      0,
    )} ms; route written -> certificate served, n=${n}: p50 ${q(0.5).toFixed(
      0,
    )} ms, p95 ${q(0.95).toFixed(0)} ms, max ${samples[
      samples.length - 1
    ].toFixed(0)} ms`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
