import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import https from 'node:https';
import forge from 'node-forge';
import type { KeyAndCert } from './pki';

/** Where DNS-01 answers are published (pebble-challtestsrv's management API in the lab). */
export interface Dns01Publisher {
  set(fqdn: string, value: string): Promise<void>;
  clear(fqdn: string): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function httpsCall(
  url: string,
  ca: string,
  method: string,
  body?: string,
  timeoutMs = 10_000,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca,
        timeout: timeoutMs,
        headers: body
          ? {
              'content-type': 'application/jose+json',
              'content-length': Buffer.byteLength(body),
            }
          : {},
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error(`${url}: body too large`));
          else chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * A small ACME (RFC 8555) client, what Traefik's resolver (lego) does for DNS-01: one ES256
 * account, orders with `dns` identifiers (wildcards included), `_acme-challenge` TXT records
 * published through {@link Dns01Publisher}, finalize with a CSR, download the chain.
 */
export class AcmeClient {
  private readonly key: KeyObject;
  private readonly jwk: Record<string, string>;
  private dir?: Record<string, string>;
  private kid?: string;
  private nonce?: string;

  /** `ca`: the PEM that verifies the ACME server's own HTTPS certificate. */
  constructor(
    private readonly directoryUrl: string,
    private readonly ca: string,
  ) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = pair.privateKey;
    const { crv, kty, x, y } = pair.publicKey.export({ format: 'jwk' });
    this.jwk = { crv: crv!, kty: kty!, x: x!, y: y! };
  }

  private thumbprint() {
    // RFC 7638: the required members in lexicographic order
    const { crv, kty, x, y } = this.jwk;
    return b64u(
      createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest(),
    );
  }

  private async directory() {
    if (!this.dir) {
      const res = await httpsCall(this.directoryUrl, this.ca, 'GET');
      if (res.status !== 200)
        throw new Error(`ACME directory: status ${res.status}`);
      this.dir = JSON.parse(res.text);
    }
    return this.dir!;
  }

  private async freshNonce() {
    const res = await httpsCall(
      (
        await this.directory()
      ).newNonce,
      this.ca,
      'HEAD',
    );
    return String(res.headers['replay-nonce']);
  }

  /** A JWS POST (payload undefined: POST-as-GET); retries once on `badNonce`. */
  private async post(
    url: string,
    payload: unknown,
    retry = true,
  ): Promise<Reply> {
    const header = {
      alg: 'ES256',
      nonce: this.nonce ?? (await this.freshNonce()),
      url,
      ...(this.kid ? { kid: this.kid } : { jwk: this.jwk }),
    };
    this.nonce = undefined;
    const protectedB64 = b64u(JSON.stringify(header));
    const payloadB64 =
      payload === undefined ? '' : b64u(JSON.stringify(payload));
    const signature = sign(
      'sha256',
      Buffer.from(`${protectedB64}.${payloadB64}`),
      {
        key: this.key,
        dsaEncoding: 'ieee-p1363',
      },
    );
    const res = await httpsCall(
      url,
      this.ca,
      'POST',
      JSON.stringify({
        protected: protectedB64,
        payload: payloadB64,
        signature: b64u(signature),
      }),
    );
    const next = res.headers['replay-nonce'];
    if (typeof next === 'string') this.nonce = next;
    if (res.status >= 400) {
      let problem: { type?: string; detail?: string } = {};
      try {
        problem = JSON.parse(res.text);
      } catch {
        // not a problem document
      }
      if (retry && problem.type === 'urn:ietf:params:acme:error:badNonce')
        return this.post(url, payload, false);
      throw new Error(
        `ACME ${url}: ${res.status} ${problem.type ?? ''} ${
          problem.detail ?? res.text
        }`,
      );
    }
    return res;
  }

  private async account() {
    if (this.kid) return;
    const res = await this.post((await this.directory()).newAccount, {
      termsOfServiceAgreed: true,
    });
    this.kid = String(res.headers.location);
  }

  private async poll(
    url: string,
    done: (o: any) => boolean,
    timeoutMs: number,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const o = JSON.parse((await this.post(url, undefined)).text);
      if (o.status === 'invalid')
        throw new Error(
          `ACME ${url}: invalid ${JSON.stringify(
            o.error ?? o.challenges?.find((c: any) => c.error)?.error ?? {},
          )}`,
        );
      if (done(o)) return o;
      if (Date.now() > deadline)
        throw new Error(`ACME ${url}: still ${o.status}`);
      await sleep(100);
    }
  }

  /**
   * Obtains a certificate for `names` (the first is the subject; `*.example.test` allowed) by DNS-01.
   * Returns the new key and the chain (leaf first) as PEM.
   */
  async obtain(
    names: string[],
    dns: Dns01Publisher,
    timeoutMs = 60_000,
  ): Promise<KeyAndCert> {
    await this.account();
    const dir = await this.directory();
    const orderRes = await this.post(dir.newOrder, {
      identifiers: names.map(value => ({ type: 'dns', value })),
    });
    const orderUrl = String(orderRes.headers.location);
    const order = JSON.parse(orderRes.text);
    const published: string[] = [];
    try {
      const pending: string[] = [];
      for (const authzUrl of order.authorizations as string[]) {
        const authz = JSON.parse((await this.post(authzUrl, undefined)).text);
        if (authz.status === 'valid') continue;
        const ch = authz.challenges.find((c: any) => c.type === 'dns-01');
        if (!ch)
          throw new Error(
            `ACME: no dns-01 challenge for ${authz.identifier.value}`,
          );
        const keyAuth = `${ch.token}.${this.thumbprint()}`;
        // a wildcard's authorization names the base domain (wildcard: true)
        const fqdn = `_acme-challenge.${authz.identifier.value}.`;
        await dns.set(
          fqdn,
          b64u(createHash('sha256').update(keyAuth).digest()),
        );
        published.push(fqdn);
        await this.post(ch.url, {});
        pending.push(authzUrl);
      }
      for (const url of pending)
        await this.poll(url, o => o.status === 'valid', timeoutMs);
      const keys = forge.pki.rsa.generateKeyPair({ bits: 2048 });
      const csr = forge.pki.createCertificationRequest();
      csr.publicKey = keys.publicKey;
      csr.setSubject([{ name: 'commonName', value: names[0] }]);
      csr.setAttributes([
        {
          name: 'extensionRequest',
          extensions: [
            {
              name: 'subjectAltName',
              altNames: names.map(value => ({ type: 2, value })),
            },
          ],
        },
      ]);
      csr.sign(keys.privateKey, forge.md.sha256.create());
      const der = forge.asn1
        .toDer(forge.pki.certificationRequestToAsn1(csr))
        .getBytes();
      await this.post(order.finalize, {
        csr: b64u(Buffer.from(der, 'binary')),
      });
      const done = await this.poll(
        orderUrl,
        o => o.status === 'valid',
        timeoutMs,
      );
      const chain = (await this.post(done.certificate, undefined)).text;
      return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: chain };
    } finally {
      for (const fqdn of published)
        await dns.clear(fqdn).catch(() => undefined);
    }
  }
}
