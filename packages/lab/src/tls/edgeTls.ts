import fs from 'node:fs';
import path from 'node:path';
import { EdgeRouter, type EdgeLogger } from '../edge';
import { AcmeClient } from './acme';
import { EdgeCertificates } from './edgeCertificates';
import { addToBundle, type LabCaFiles } from './labTls';
import { startPebble } from './pebble';

/** The TLS lab's edge: what {@link startTlsEdge} started. */
export interface TlsEdge {
  edge: EdgeRouter;
  certificates: EdgeCertificates;
  /** `127.0.0.1:PORT` of the `websecure` entry point. */
  httpsHost: string;
  domain: string;
  resolver: string;
  stop(): Promise<void>;
}

/**
 * Starts pebble (its root written to `caFiles.acmeRoot` and the bundle), the certificate resolver
 * (the domain's wildcard obtained first) and the edge with `web` (redirected to `websecure`) and
 * `websecure` (TLS, certificates chosen by SNI).
 */
export async function startTlsEdge(o: {
  directory: string;
  caFiles: LabCaFiles;
  domain: string;
  resolver: string;
  webPort?: number;
  httpsPort?: number;
  logger?: EdgeLogger;
}): Promise<TlsEdge> {
  const pebble = await startPebble(
    path.join(path.dirname(o.caFiles.bundle), 'pebble'),
  );
  try {
    fs.writeFileSync(o.caFiles.acmeRoot, pebble.root);
    addToBundle(o.caFiles, pebble.root);
    const certificates = await EdgeCertificates.start({
      domain: o.domain,
      resolver: o.resolver,
      acme: new AcmeClient(pebble.directoryUrl, pebble.apiCa),
      dns: pebble.dns,
      logger: o.logger,
    });
    const edge = await EdgeRouter.start({
      directory: o.directory,
      entryPoints: [
        { name: 'web', port: o.webPort, redirectTo: 'websecure' },
        {
          name: 'websecure',
          port: o.httpsPort,
          tls: certificates.serverOptions(),
        },
      ],
      logger: o.logger,
      onConfig: config => certificates.onConfig(config),
    });
    return {
      edge,
      certificates,
      httpsHost: new URL(edge.url('websecure')).host,
      domain: o.domain,
      resolver: o.resolver,
      async stop() {
        await edge.stop();
        await pebble.stop();
      },
    };
  } catch (e) {
    await pebble.stop();
    throw e;
  }
}
