import { startPebble } from './src/tls/pebble';
import { AcmeClient } from './src/tls/acme';
(async () => {
  let t = Date.now();
  const p = await startPebble('/tmp/s26-pebble');
  console.log('pebble up', Date.now() - t, p.root.slice(0, 40));
  t = Date.now();
  const c = new AcmeClient(p.directoryUrl, p.apiCa);
  const kc = await c.obtain(['docker-env.test', '*.docker-env.test'], p.dns);
  console.log('cert in', Date.now() - t, kc.cert.split('BEGIN').length - 1);
  t = Date.now();
  await c.obtain(['web.docker-env.test'], p.dns);
  console.log('2nd cert in', Date.now() - t);
  await p.stop();
})().catch(e => { console.error(e); process.exit(1); });
