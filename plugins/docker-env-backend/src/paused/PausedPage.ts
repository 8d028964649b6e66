import type { LifecycleService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The header the paused page sets, so monitors and tests tell it from an environment's own 503.
 *
 * @public
 */
export const PAUSED_HEADER = 'x-docker-env-status';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

/**
 * The page a paused environment's routes point at (`dockerEnv.lifecycle.pausedRoute.url`): every path of every host
 * answers 503 "paused" with `Retry-After`, so the edge never sends a paused host to the guest's old address, which
 * DHCP may have handed to someone else. A plain server of its own, because Traefik forwards the original path and
 * host to a service's URL, and only a server that answers every path can stand in for the environment.
 */
export class PausedPage {
  private constructor(
    private readonly server: http.Server,
    /** The address it listens on, `http://host:port`. */
    readonly url: string,
  ) {}

  /** Starts the page on `host:port` (port 0: any free port). */
  static async start(options: {
    host: string;
    port: number;
    portalUrl?: string;
  }): Promise<PausedPage> {
    const server = http.createServer((req, res) => {
      const host = escapeHtml(String(req.headers.host ?? '').split(':')[0]);
      const where = options.portalUrl
        ? ` <a href="${escapeHtml(options.portalUrl)}">in the portal</a>`
        : ' in the portal';
      res.writeHead(503, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'retry-after': '120',
        [PAUSED_HEADER]: 'paused',
      });
      res.end(
        `<!doctype html><title>${host} is paused</title><h1>${host} is paused</h1>` +
          `<p>This environment was paused. Its owner can resume it${where}.</p>\n`,
      );
    });
    // a half-open client must not hold the server open forever
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return new PausedPage(server, `http://${options.host}:${address.port}`);
  }

  /**
   * Starts the page when `dockerEnv.lifecycle.pausedPage.port` is set (`host` defaults to 127.0.0.1; Traefik
   * must reach it at `pausedRoute.url`); undefined otherwise (a Traefik service or another server answers).
   */
  static async fromConfig(config: Config): Promise<PausedPage | undefined> {
    const page = config.getOptionalConfig('dockerEnv.lifecycle.pausedPage');
    const port = page?.getOptionalNumber('port');
    if (port === undefined) return undefined;
    return PausedPage.start({
      host: page!.getOptionalString('host') ?? '127.0.0.1',
      port,
      portalUrl: config.getOptionalString('app.baseUrl'),
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/**
 * Starts the paused page the plugin serves itself when `dockerEnv.lifecycle.pausedPage.port` is set, and stops it on
 * shutdown; undefined when it is not set.
 */
export async function startPausedPage(options: {
  config: Config;
  lifecycle: LifecycleService;
}): Promise<PausedPage | undefined> {
  const page = await PausedPage.fromConfig(options.config);
  if (page) options.lifecycle.addShutdownHook(() => page.stop());
  return page;
}
