import type { Config } from '@backstage/config';
import { UpstreamApiError } from '../../errors';
import { assertInteger, assertIpv4 } from '../../validation';

/**
 * Points a Portainer agent endpoint at a new address (`PUT /api/endpoints/{id}` with `url`), which
 * `PortainerClient` does not offer yet. Same base URL, API key and timeout as the client.
 */
export class PortainerEndpointUrls {
  private readonly base: string;

  constructor(
    private readonly options: {
      baseUrl: string;
      apiKey: string;
      timeoutMs?: number;
      fetch?: typeof fetch;
    },
  ) {
    const trimmed = options.baseUrl.replace(/\/+$/, '');
    this.base = trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
  }

  /** Reads `dockerEnv.portainer` like `PortainerClient.fromConfig`. */
  static fromConfig(config: Config): PortainerEndpointUrls {
    const c = config.getConfig('dockerEnv.portainer');
    return new PortainerEndpointUrls({
      baseUrl: c.getString('baseUrl'),
      apiKey: c.getString('apiKey'),
      timeoutMs: c.getOptionalNumber('timeoutMs'),
    });
  }

  /** The agent URL Portainer stores for an address: `tcp://<ip>:<port>`. */
  static agentUrl(ip: string, port: number): string {
    return `tcp://${assertIpv4(ip, 'ip')}:${assertInteger(
      port,
      'port',
      1,
      65535,
    )}`;
  }

  /** Sets the endpoint's agent URL. */
  async setAgentAddress(
    endpointId: number,
    ip: string,
    port: number,
  ): Promise<void> {
    assertInteger(endpointId, 'endpointId', 1, 2147483647);
    const url = PortainerEndpointUrls.agentUrl(ip, port);
    const operation = 'PUT /endpoints/{id}';
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(
        `${this.base}/endpoints/${endpointId}`,
        {
          method: 'PUT',
          headers: {
            'X-API-Key': this.options.apiKey,
            'Content-Type': 'application/json',
            Accept: 'application/json',
          },
          body: JSON.stringify({ url }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15000),
        },
      );
    } catch (cause) {
      throw new UpstreamApiError(
        `Portainer ${operation} failed: ${(cause as Error).message}`,
        { system: 'portainer', operation, cause },
      );
    }
    // the answer is the endpoint; only the status matters, so read at most what an error message needs
    const text = (await res.text()).slice(0, 2000);
    if (!res.ok)
      throw new UpstreamApiError(
        `Portainer ${operation} failed with ${res.status}: ${text}`,
        { system: 'portainer', status: res.status, operation },
      );
  }
}
