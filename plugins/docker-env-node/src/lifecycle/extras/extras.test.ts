import { NetBoxIpAddresses } from './NetBoxIpAddresses';
import { PortainerEndpointUrls } from './PortainerEndpointUrls';

function recordingFetch(status: number, body = '{}') {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

describe('PortainerEndpointUrls', () => {
  it('puts the agent URL of the new address', async () => {
    const { calls, fetchFn } = recordingFetch(200);
    const urls = new PortainerEndpointUrls({
      baseUrl: 'http://127.0.0.1:9000',
      apiKey: 'ptr_key',
      fetch: fetchFn,
    });
    await urls.setAgentAddress(7, '10.0.0.9', 9001);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('http://127.0.0.1:9000/api/endpoints/7');
    expect(calls[0].init.method).toBe('PUT');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      url: 'tcp://10.0.0.9:9001',
    });
    expect(calls[0].init.headers).toMatchObject({ 'X-API-Key': 'ptr_key' });
  });

  it('refuses a bad address before any request and reports upstream errors', async () => {
    const { calls, fetchFn } = recordingFetch(404, '{"message":"not found"}');
    const urls = new PortainerEndpointUrls({
      baseUrl: 'http://127.0.0.1:9000/api',
      apiKey: 'k',
      fetch: fetchFn,
    });
    await expect(urls.setAgentAddress(7, '10.0.0', 9001)).rejects.toThrow(
      /^ip: /,
    );
    expect(calls).toHaveLength(0);
    await expect(urls.setAgentAddress(7, '10.0.0.9', 9001)).rejects.toThrow(
      /failed with 404/,
    );
  });
});

describe('NetBoxIpAddresses', () => {
  it('patches the address with the token kind of the client', async () => {
    const { calls, fetchFn } = recordingFetch(200);
    const ips = new NetBoxIpAddresses({
      baseUrl: 'http://127.0.0.1:8000/',
      token: 'nbt_abc.def',
      fetch: fetchFn,
    });
    await ips.setAddress(3, '10.0.0.9/24');
    expect(calls[0].url).toBe('http://127.0.0.1:8000/api/ipam/ip-addresses/3/');
    expect(calls[0].init.method).toBe('PATCH');
    expect(calls[0].init.headers).toMatchObject({
      Authorization: 'Bearer nbt_abc.def',
    });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      address: '10.0.0.9/24',
    });
    await expect(ips.setAddress(3, '10.0.0.9')).rejects.toThrow(
      /^address: must be an IPv4 CIDR/,
    );
  });

  it('deletes an address and takes a missing one as gone', async () => {
    const gone = recordingFetch(404);
    const ips = new NetBoxIpAddresses({
      baseUrl: 'http://127.0.0.1:8000',
      token: '0123456789abcdef',
      fetch: gone.fetchFn,
    });
    await expect(ips.deleteAddress(3)).resolves.toBe(false);
    expect(gone.calls[0].init.headers).toMatchObject({
      Authorization: 'Token 0123456789abcdef',
    });
    const failing = recordingFetch(500, 'boom');
    await expect(
      new NetBoxIpAddresses({
        baseUrl: 'http://127.0.0.1:8000',
        token: 't',
        fetch: failing.fetchFn,
      }).deleteAddress(3),
    ).rejects.toThrow(/failed with 500: boom/);
  });
});
