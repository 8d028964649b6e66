import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Environment } from '@docker-env/plugin-docker-env-common';

/**
 * One page of `GET /api/docker-env/environments`.
 *
 * @public
 */
export interface EnvironmentPage {
  items: Environment[];
  totalCount: number;
  nextCursor: string | null;
}

/**
 * Reads the environments of the docker-env API.
 *
 * @public
 */
export interface EnvironmentsReader {
  /** Every environment, all pages. */
  listAll(): Promise<Environment[]>;
}

/**
 * Options of {@link EnvironmentsClient}.
 *
 * @public
 */
export interface EnvironmentsClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Largest response body read per page; default 16 MiB. */
  maxResponseBytes?: number;
  /** Environments per page (the API allows at most 500). */
  pageSize?: number;
}

const PLUGIN_ID = 'docker-env';

/** Reads a response body, refusing one larger than `maxBytes`. */
async function readBounded(response: Response, maxBytes: number) {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    throw new Error(`response of ${declared} bytes exceeds ${maxBytes} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`response exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A client of the docker-env API that calls as the catalog's own service principal (a service token for the
 * docker-env plugin), with a timeout and a bounded read per page.
 *
 * @public
 */
export class EnvironmentsClient implements EnvironmentsReader {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly pageSize: number;

  constructor(private readonly options: EnvironmentsClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.pageSize = options.pageSize ?? 500;
  }

  async listAll(): Promise<Environment[]> {
    const all: Environment[] = [];
    let cursor: string | null = null;
    do {
      const page: EnvironmentPage = await this.listPage(cursor);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** One page, starting after `cursor`. */
  async listPage(cursor: string | null): Promise<EnvironmentPage> {
    const baseUrl = await this.options.discovery.getBaseUrl(PLUGIN_ID);
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: PLUGIN_ID,
    });
    const query = new URLSearchParams({ limit: String(this.pageSize) });
    if (cursor) query.set('cursor', cursor);
    const response = await fetch(`${baseUrl}/environments?${query}`, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await readBounded(response, this.maxResponseBytes);
    if (!response.ok) {
      throw new Error(
        `GET ${baseUrl}/environments answered ${response.status}: ${text.slice(
          0,
          500,
        )}`,
      );
    }
    const page = JSON.parse(text) as EnvironmentPage;
    if (!Array.isArray(page?.items)) {
      throw new Error(
        `GET ${baseUrl}/environments answered without an items array`,
      );
    }
    return page;
  }
}
