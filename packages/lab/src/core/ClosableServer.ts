import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** Options of {@link ClosableServer.listen}. */
export interface ClosableServerOptions {
  /** No request timeout, for long-lived streams (Docker events, logs follow). */
  streaming?: boolean;
  /** Serve HTTPS with this key and certificate (PEM; `SNICallback` picks another by name) instead of plain HTTP. */
  tls?: Pick<https.ServerOptions, 'key' | 'cert' | 'SNICallback'>;
}

/**
 * A listening HTTP(S) server that can be closed hard (open connections dropped, like a powered-off
 * guest): the start-up and shut-down every simulator shares.
 */
export class ClosableServer {
  private constructor(readonly server: http.Server | https.Server) {}

  /** Listens with `app` on `host:port` (port 0 = a random free port). */
  static listen(
    app: http.RequestListener,
    host: string,
    port: number,
    options: ClosableServerOptions = {},
  ): Promise<ClosableServer> {
    const server = options.tls
      ? https.createServer({ ...options.tls }, app)
      : http.createServer(app);
    if (options.streaming) {
      server.requestTimeout = 0;
      server.keepAliveTimeout = 5000;
    }
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(new ClosableServer(server));
      });
    });
  }

  /** The port it listens on (the actual one when started with port 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection. */
  close(): Promise<void> {
    return new Promise(resolve => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
