import { randomBytes } from 'node:crypto';
import tls from 'node:tls';
import type { EdgeLogger, HttpDynamicConfig } from '../edge/types';
import type { AcmeClient, Dns01Publisher } from './acme';
import { issueServerCert, type KeyAndCert } from './pki';

/** Options of {@link EdgeCertificates.start}. */
export interface EdgeCertificatesOptions {
  /** The base domain: the default certificate covers it and `*.<domain>`. */
  domain: string;
  /** The resolver's name routers give in `tls.certResolver` (Traefik's `certificatesResolvers.<name>`). */
  resolver: string;
  acme: AcmeClient;
  dns: Dns01Publisher;
  logger?: EdgeLogger;
}

interface Issued {
  names: string[];
  context: tls.SecureContext;
  pem: KeyAndCert;
  /** `performance.now()` when it became served. */
  servedAt: number;
}

/** True when `pattern` (a name or `*.` wildcard of one label) covers `host`. */
export function nameCovers(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The names a router asks its resolver for: `tls.domains` (main and sans), else the rule's hosts. */
export function routerDomains(router: {
  rule?: string;
  tls?: Record<string, unknown>;
}): string[] {
  const domains = router.tls?.domains;
  if (Array.isArray(domains) && domains.length > 0) {
    return domains.flatMap((d: any) => [
      ...(typeof d?.main === 'string' ? [d.main] : []),
      ...(Array.isArray(d?.sans)
        ? d.sans.filter((s: unknown) => typeof s === 'string')
        : []),
    ]);
  }
  return [...(router.rule ?? '').matchAll(/Host\(\s*`([^`]+)`\s*\)/g)].map(
    m => m[1],
  );
}

/**
 * The edge's TLS store and ACME certificate resolver, as Traefik's: a generated self-signed default
 * ("TRAEFIK DEFAULT CERT"), a resolver-issued certificate for `<domain>` and `*.<domain>` obtained
 * before the edge is ready (`tls.stores.default.defaultGeneratedCert`), and, for each router whose
 * `tls.certResolver` names this resolver, a certificate for exactly its `tls.domains` (or rule hosts).
 * The certificate served is chosen by SNI among the issued ones; a name none covers gets the
 * self-signed default.
 */
export class EdgeCertificates {
  /** Traefik's generated default certificate. */
  readonly selfSigned: KeyAndCert;
  private readonly issued: Issued[] = [];
  private readonly pending = new Map<string, Promise<void>>();
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly options: EdgeCertificatesOptions) {
    this.selfSigned = issueServerCert([
      'TRAEFIK DEFAULT CERT',
      `${randomBytes(16).toString('hex')}.traefik.default`,
    ]);
  }

  /** Generates the self-signed default and obtains the domain's wildcard before answering. */
  static async start(
    options: EdgeCertificatesOptions,
  ): Promise<EdgeCertificates> {
    const store = new EdgeCertificates(options);
    await store.obtain([options.domain, `*.${options.domain}`]);
    return store;
  }

  /** What the TLS entry point listens with. */
  serverOptions() {
    return {
      key: this.selfSigned.key,
      cert: this.selfSigned.cert,
      SNICallback: (
        servername: string,
        cb: (err: Error | null, ctx?: tls.SecureContext) => void,
      ) => cb(null, this.contextFor(servername)),
    };
  }

  /** The issued certificate SNI `servername` gets, or undefined for the self-signed default. */
  contextFor(servername: string): tls.SecureContext | undefined {
    // the most recent first, as Traefik prefers an exact name over a wildcard
    const exact = this.issued.find(i =>
      i.names.some(n => n.toLowerCase() === servername.toLowerCase()),
    );
    const match =
      exact ??
      this.issued.find(i => i.names.some(n => nameCovers(n, servername)));
    return match?.context;
  }

  /** When the certificate for exactly `names` became served (`performance.now()`), if it has. */
  servedAt(names: string[]): number | undefined {
    const key = [...names].sort().join(',');
    return this.issued.find(i => [...i.names].sort().join(',') === key)
      ?.servedAt;
  }

  /** Resolves once a certificate for exactly `names` is served. */
  async whenServed(names: string[], timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.servedAt(names);
      if (at !== undefined) return at;
      if (Date.now() > deadline)
        throw new Error(`no certificate for ${names.join(', ')}`);
      await new Promise<void>(r => {
        this.waiters.push(r);
        setTimeout(r, 200).unref();
      });
    }
  }

  /** Follows a loaded configuration: obtains what new resolver routers name. */
  onConfig(config: HttpDynamicConfig): void {
    for (const [name, router] of Object.entries(config.routers ?? {})) {
      if (router?.tls?.certResolver !== this.options.resolver) continue;
      const names = routerDomains(router);
      if (names.length === 0 || this.servedAt(names) !== undefined) continue;
      this.obtain(names).catch(e =>
        this.options.logger?.error(
          `Unable to obtain ACME certificate for domains "${names.join(
            ',',
          )}" (router ${name}): ${(e as Error).message}`,
        ),
      );
    }
  }

  private obtain(names: string[]): Promise<void> {
    const key = [...names].sort().join(',');
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const pem = await this.options.acme.obtain(names, this.options.dns);
        this.issued.unshift({
          names,
          pem,
          context: tls.createSecureContext({ key: pem.key, cert: pem.cert }),
          servedAt: performance.now(),
        });
        this.waiters.splice(0).forEach(w => w());
      })().finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }
}
