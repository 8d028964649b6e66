import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { UpstreamApiError } from '../../errors';
import { assertInteger } from '../../validation';

/**
 * Changes the address of an existing NetBox IP address object (`PATCH /api/ipam/ip-addresses/{id}/`), which
 * `NetBoxClient` does not offer yet; the VM's primary IP stays the same object. Same base URL, token and timeout
 * as the client.
 */
export class NetBoxIpAddresses {
  private readonly base: string;

  constructor(
    private readonly options: {
      baseUrl: string;
      token: string;
      tokenVersion?: 'v1' | 'v2';
      timeoutMs?: number;
      fetch?: typeof fetch;
    },
  ) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** Reads `dockerEnv.netbox` like `NetBoxClient.fromConfig`. */
  static fromConfig(config: Config): NetBoxIpAddresses {
    const c = config.getConfig('dockerEnv.netbox');
    return new NetBoxIpAddresses({
      baseUrl: c.getString('baseUrl'),
      token: c.getString('token'),
      tokenVersion: c.getOptionalString('tokenVersion') as 'v1' | 'v2',
      timeoutMs: c.getOptionalNumber('timeoutMs'),
    });
  }

  /** Deletes IP address object `id`; false when it was already gone. */
  async deleteAddress(id: number): Promise<boolean> {
    assertInteger(id, 'id', 1, 2147483647);
    const res = await this.send('DELETE', id);
    return res !== 'gone';
  }

  /** Sets the address (`a.b.c.d/len`) of IP address object `id`. */
  async setAddress(id: number, address: string): Promise<void> {
    assertInteger(id, 'id', 1, 2147483647);
    if (
      !/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12][0-9]|3[0-2])$/.test(
        address,
      )
    )
      throw new InputError('address: must be an IPv4 CIDR like 10.0.0.5/24');
    if ((await this.send('PATCH', id, { address })) === 'gone')
      throw new UpstreamApiError(
        `NetBox PATCH /api/ipam/ip-addresses/{id}/ failed with 404: IP address ${id} does not exist`,
        {
          system: 'netbox',
          status: 404,
          operation: 'PATCH /api/ipam/ip-addresses/{id}/',
        },
      );
  }

  private async send(
    method: 'PATCH' | 'DELETE',
    id: number,
    body?: unknown,
  ): Promise<'done' | 'gone'> {
    const operation = `${method} /api/ipam/ip-addresses/{id}/`;
    // as NetBoxClient: v2 tokens (nbt_...) use Bearer, v1 tokens Token
    const version =
      this.options.tokenVersion ??
      (this.options.token.startsWith('nbt_') ? 'v2' : 'v1');
    const authorization =
      version === 'v2'
        ? `Bearer ${this.options.token}`
        : `Token ${this.options.token}`;
    let res: Response;
    try {
      res = await (this.options.fetch ?? fetch)(
        `${this.base}/api/ipam/ip-addresses/${id}/`,
        {
          method,
          headers: {
            Authorization: authorization,
            Accept: 'application/json',
            ...(body !== undefined
              ? { 'Content-Type': 'application/json' }
              : {}),
          },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15000),
        },
      );
    } catch (cause) {
      throw new UpstreamApiError(
        `NetBox ${operation} failed: ${(cause as Error).message}`,
        { system: 'netbox', operation, cause },
      );
    }
    // only the status matters: read at most what an error message needs
    const text = (await res.text()).slice(0, 2000);
    if (res.status === 404) return 'gone';
    if (!res.ok)
      throw new UpstreamApiError(
        `NetBox ${operation} failed with ${res.status}: ${text}`,
        { system: 'netbox', status: res.status, operation },
      );
    return 'done';
  }
}
