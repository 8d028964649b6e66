import {
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

/**
 * Portainer's agent protocol (portainer/agent `crypto/ecdsa.go`, `http/security`): every request
 * Portainer sends an agent carries its ECDSA P-256 public key (hex of the PKIX DER) and a signature
 * (base64, no padding, r||s) of the MD5 of `Portainer-App`, or of `AGENT_SECRET` when one is set.
 */
export const AGENT_PUBLIC_KEY_HEADER = 'X-PortainerAgent-PublicKey';
/** See {@link AGENT_PUBLIC_KEY_HEADER}. */
export const AGENT_SIGNATURE_HEADER = 'X-PortainerAgent-Signature';
/** The message signed when no `AGENT_SECRET` is set (`agent.PortainerAgentSignatureMessage`). */
export const AGENT_SIGNATURE_MESSAGE = 'Portainer-App';

function signMessage(secret: string | undefined) {
  return Buffer.from(secret || AGENT_SIGNATURE_MESSAGE);
}

/**
 * How a Portainer reaches its agents in the TLS lab: HTTPS without verifying the agent's
 * self-signed certificate (Portainer registers agents with `TLSSkipVerify`), every request signed
 * with this Portainer's own key and `AGENT_SECRET`.
 */
export class AgentLink {
  private readonly privateKey: KeyObject;
  private readonly publicKeyHex: string;

  /** `secret`: Portainer's `AGENT_SECRET` (unset: the default message). */
  constructor(readonly secret?: string) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKeyHex = pair.publicKey
      .export({ type: 'spki', format: 'der' })
      .toString('hex');
  }

  /** The two headers Portainer adds to each agent request. */
  headers(): Record<string, string> {
    const signature = sign('md5', signMessage(this.secret), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return {
      [AGENT_PUBLIC_KEY_HEADER]: this.publicKeyHex,
      [AGENT_SIGNATURE_HEADER]: signature.toString('base64').replace(/=+$/, ''),
    };
  }
}

/**
 * The agent's side (`ECDSAService`): without a secret, the first Portainer key seen is kept and
 * only it is accepted afterwards; with one, any key whose signature covers the secret is.
 */
export class AgentSignatureCheck {
  private associated?: string;

  constructor(private readonly secret?: string) {}

  /** True when the request's headers carry a valid signature for this agent. */
  verify(headers: http.IncomingHttpHeaders): boolean {
    const keyHex = headers[AGENT_PUBLIC_KEY_HEADER.toLowerCase()];
    const sig = headers[AGENT_SIGNATURE_HEADER.toLowerCase()];
    if (typeof sig !== 'string' || sig === '') return false;
    const keyText = this.associated ?? keyHex;
    if (typeof keyText !== 'string' || keyText === '') return false;
    let key: KeyObject;
    try {
      key = createPublicKey({
        key: Buffer.from(keyText, 'hex'),
        format: 'der',
        type: 'spki',
      });
    } catch {
      return false;
    }
    if (!this.secret) this.associated = keyText;
    const raw = Buffer.from(sig, 'base64');
    if (raw.length !== 64) return false;
    return verify(
      'md5',
      signMessage(this.secret),
      { key, dsaEncoding: 'ieee-p1363' },
      raw,
    );
  }
}

/** What {@link agentRequest} answers. */
export interface AgentResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One bounded request from Portainer to an agent (`http://` for the embedded default's agents,
 * `https://` with the link's signature for the TLS lab's). Errors keep Node's `code`
 * (`ECONNREFUSED`...); a timeout throws an error named `TimeoutError`.
 */
export function agentRequest(
  url: URL,
  link: AgentLink | undefined,
  options: { timeoutMs: number; maxBytes: number },
): Promise<AgentResponse> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method: 'GET',
        headers: link?.headers() ?? {},
        // the agent's certificate is self-signed: Portainer registers it with TLSSkipVerify
        rejectUnauthorized: false,
        timeout: options.timeoutMs,
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > options.maxBytes) {
            req.destroy(new Error(`${url.pathname}: body too large`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => {
      const e = new Error('timeout');
      e.name = 'TimeoutError';
      req.destroy(e);
    });
    req.on('error', reject);
    req.end();
  });
}
