#!/usr/bin/env node
/* eslint-disable no-console */
// Benchmark of the lab's edge router on loopback: requests/s through the edge (and straight to the
// backend, for comparison) with keep-alive clients, and the delay from a route file's atomic
// write to the first request the new route serves. Usage: node edge.js [seconds] [concurrency]
require('@backstage/cli/config/nodeTransform.cjs');
const fs = require('node:fs/promises');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const {
  EdgeRouter,
  startEchoServer,
  writeAtomically,
} = require('../src/edge/index.ts');

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 16);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function request(port, host) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', agent, headers: { host } },
      res => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
  });
}

async function throughput(port, host) {
  let count = 0;
  let failed = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        if ((await request(port, host)) === 200) count++;
        else failed++;
      }
    }),
  );
  return { rps: Math.round(count / seconds), failed };
}

const route = (host, url) =>
  `http:\n  routers:\n    r:\n      rule: Host(\`${host}\`)\n      service: s\n  services:\n    s:\n      loadBalancer:\n        servers:\n          - url: ${url}\n`;

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'edge-bench-'));
  const backend = await startEchoServer('bench');
  const logger = { info() {}, warn() {}, error: m => console.error(m) };
  const edge = await EdgeRouter.start({ directory: dir, logger });
  const edgePort = Number(new URL(edge.url()).port);
  try {
    const file = path.join(dir, 'bench.yml');
    await writeAtomically(file, route('bench.docker.localhost', backend.url));
    await edge.nextReload();
    const direct = await throughput(backend.port, 'bench.docker.localhost');
    const through = await throughput(edgePort, 'bench.docker.localhost');
    console.log(
      `throughput (${concurrency} keep-alive clients, ${seconds} s): direct ${direct.rps} req/s, through the edge ${through.rps} req/s (failed: ${through.failed})`,
    );

    const delays = [];
    for (let i = 0; i < 20; i++) {
      const host = `r${i}.docker.localhost`;
      const t0 = process.hrtime.bigint();
      await writeAtomically(file, route(host, backend.url));
      while ((await request(edgePort, host)) !== 200);
      delays.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    delays.sort((a, b) => a - b);
    console.log(
      `reload delay (atomic write -> first request served, debounce 50 ms, 20 runs): median ${delays[10].toFixed(
        1,
      )} ms, max ${delays[19].toFixed(1)} ms`,
    );
  } finally {
    agent.destroy();
    await edge.stop();
    await backend.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
