import { Config } from '@backstage/config';
import type { SystemStatus } from '@docker-env/plugin-docker-env-common';

const MAX_BODY_BYTES = 64 * 1024;

/** One external system's version probe. */
export interface StatusCheck {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** Picks the version out of the JSON answer. */
  version: (body: any) => string | undefined;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The version probes of the configured systems (the same `dockerEnv.*` keys the docker-env-node clients read):
 * Proxmox `GET /version`, NetBox `GET /api/status/`, Portainer `GET /system/status`. A system that is not configured
 * is left out.
 */
export function statusChecksFromConfig(config: Config): StatusCheck[] {
  const checks: StatusCheck[] = [];
  const pve = config.getOptionalConfig('dockerEnv.proxmox');
  if (pve) {
    let base = withoutTrailingSlash(pve.getString('baseUrl'));
    if (!base.endsWith('/api2/json')) base = `${base}/api2/json`;
    checks.push({
      name: 'proxmox',
      url: `${base}/version`,
      headers: {
        Authorization: `PVEAPIToken=${pve.getString('tokenId')}=${pve.getString(
          'tokenSecret',
        )}`,
      },
      version: body => body?.data?.version,
    });
  }
  const netbox = config.getOptionalConfig('dockerEnv.netbox');
  if (netbox) {
    const token = netbox.getString('token');
    checks.push({
      name: 'netbox',
      url: `${withoutTrailingSlash(netbox.getString('baseUrl'))}/api/status/`,
      headers: {
        Authorization: token.startsWith('nbt_')
          ? `Bearer ${token}`
          : `Token ${token}`,
      },
      version: body => body?.['netbox-version'],
    });
  }
  const portainer = config.getOptionalConfig('dockerEnv.portainer');
  if (portainer) {
    let base = withoutTrailingSlash(portainer.getString('baseUrl'));
    if (!base.endsWith('/api')) base = `${base}/api`;
    checks.push({
      name: 'portainer',
      url: `${base}/system/status`,
      headers: { 'X-API-Key': portainer.getString('apiKey') },
      version: body => body?.Version,
    });
  }
  return checks;
}

async function readBounded(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new Error(`answer larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs one probe with a short timeout; never throws. */
export async function runStatusCheck(
  check: StatusCheck,
  timeoutMs: number,
): Promise<SystemStatus> {
  const started = Date.now();
  try {
    const res = await fetch(check.url, {
      headers: { Accept: 'application/json', ...check.headers },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = await readBounded(res);
    if (!res.ok) {
      return {
        name: check.name,
        reachable: false,
        version: null,
        error: `HTTP ${res.status}`,
        latencyMs: Date.now() - started,
      };
    }
    let version: string | undefined;
    try {
      version = check.version(JSON.parse(text));
    } catch {
      version = undefined;
    }
    return {
      name: check.name,
      reachable: true,
      version: version ?? null,
      error: null,
      latencyMs: Date.now() - started,
    };
  } catch (error) {
    const e = error as Error;
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const message =
      e.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : cause ?? e.message;
    return {
      name: check.name,
      reachable: false,
      version: null,
      error: message,
      latencyMs: Date.now() - started,
    };
  }
}
