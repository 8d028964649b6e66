import path from 'node:path';
import { findRepoRoot } from '../contracts';
import { startLab } from './startLab';

const USAGE = `Usage: docker-env-lab [--latency-scale N] [--proxmox-port P] [--netbox-port P] [--portainer-port P]
                      [--edge-port P] [--routes-dir DIR] [--tls [--ca-dir DIR]]
Starts the simulated Proxmox VE, NetBox and Portainer and the edge router (serving the Traefik
route folder DIR, default <repo>/.lab-data/traefik) on 127.0.0.1 and prints their base URLs.
--tls: every system on HTTPS with its own trust relation (CA files written to the --ca-dir,
default <repo>/.lab-data/tls), agents honouring AGENT_SECRET, credentials made afresh.`;

function parseArgs(argv: string[]) {
  const values: Record<string, number> = {};
  let routesDir: string | undefined;
  let tls = false;
  let caDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--tls') {
      tls = true;
      continue;
    }
    if (arg === '--ca-dir' && argv[i + 1]) {
      caDir = path.resolve(argv[++i]);
      continue;
    }
    if (arg === '--routes-dir' && argv[i + 1]) {
      routesDir = path.resolve(argv[++i]);
      continue;
    }
    const match =
      /^--(latency-scale|proxmox-port|netbox-port|portainer-port|edge-port)$/.exec(
        arg,
      );
    const value = Number(argv[i + 1]);
    if (!match || !Number.isFinite(value) || value < 0) {
      process.stderr.write(
        `docker-env-lab: bad argument ${JSON.stringify(arg)}\n${USAGE}\n`,
      );
      process.exit(2);
    }
    values[match[1]] = value;
    i++;
  }
  return { values, routesDir, tls, caDir };
}

async function main() {
  const {
    values: args,
    routesDir,
    tls,
    caDir,
  } = parseArgs(process.argv.slice(2));
  const t0 = process.hrtime.bigint();
  const lab = await startLab({
    latencyScale: args['latency-scale'],
    ports: {
      proxmox: args['proxmox-port'],
      netbox: args['netbox-port'],
      portainer: args['portainer-port'],
    },
    edge: {
      directory: routesDir ?? path.join(findRepoRoot(), '.lab-data', 'traefik'),
      port: args['edge-port'],
    },
    ...(tls
      ? {
          tls: {
            caDir: caDir ?? path.join(findRepoRoot(), '.lab-data', 'tls'),
          },
        }
      : {}),
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const { urls, credentials } = lab;
  process.stdout.write(
    [
      `proxmox   ${urls.proxmox}   token ${credentials.proxmox.tokenId}=${credentials.proxmox.tokenSecret}`,
      `netbox    ${urls.netbox}/api/   token ${credentials.netbox.token}`,
      `portainer ${urls.portainer}   api key ${credentials.portainer.apiKey}`,
      `edge      ${urls.edge}   routes from ${
        lab.edge!.directory
      } (curl -H 'Host: <name>.<baseDomain>' ${urls.edge}/)`,
      ...(lab.tls
        ? [
            `ca        proxmox ${lab.tls.caFiles.proxmox}  netbox ${lab.tls.caFiles.netbox}  portainer ${lab.tls.caFiles.portainer}`,
            `ca bundle ${lab.tls.caFiles.bundle} (NODE_EXTRA_CA_CERTS)   AGENT_SECRET ${lab.tls.agentSecret}`,
            ...(lab.tls.edge
              ? [
                  `edge-https ${lab.tls.edge.httpsHost}   domain ${lab.tls.edge.domain}   certResolver ${lab.tls.edge.resolver} (pebble root ${lab.tls.caFiles.acmeRoot})`,
                ]
              : []),
          ]
        : []),
      `lab ready in ${ms.toFixed(
        0,
      )} ms (state: GET <url>/_lab/state; Ctrl-C stops)`,
      '',
    ].join('\n'),
  );
  const shutdown = async () => {
    await lab.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  process.stderr.write(`docker-env-lab: ${error?.stack ?? error}\n`);
  process.exit(1);
});
