#!/usr/bin/env node
/* eslint-disable no-console */
// Benchmark: how long `docker-env-lab` takes to be ready, from process spawn (including the
// TypeScript transform) and inside the process (simulators listening). Usage: node startTime.js [runs]
const { spawn } = require('node:child_process');
const path = require('node:path');

const runs = Number(process.argv[2] ?? 5);
const bin = path.resolve(__dirname, '../bin/docker-env-lab');

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, '--latency-scale', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('lab not ready within 60 s'));
    }, 60000);
    child.stdout.on('data', chunk => {
      out += chunk;
      const m = /lab ready in (\d+) ms/.exec(out);
      if (m) {
        const spawnMs = Number(process.hrtime.bigint() - t0) / 1e6;
        clearTimeout(timer);
        child.once('exit', () =>
          resolve({ spawnMs, inProcessMs: Number(m[1]) }),
        );
        child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
  });
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  for (const [i, r] of results.entries()) {
    console.log(
      `run ${i + 1}: ready ${r.spawnMs.toFixed(
        0,
      )} ms after spawn, simulators up in ${r.inProcessMs} ms`,
    );
  }
  console.log(
    `median over ${runs} runs: ${median(results.map(r => r.spawnMs)).toFixed(
      0,
    )} ms from spawn, ` +
      `${median(results.map(r => r.inProcessMs))} ms in process`,
  );
})().catch(error => {
  console.error(error);
  process.exit(1);
});
