import { PORTAINER_LAB_API_KEY } from './PortainerSimulator';

/** The admin key header the Portainer tests send. */
export const PORTAINER_TEST_KEY = { 'X-API-Key': PORTAINER_LAB_API_KEY };

/** What {@link portainerTestCalls}' `call` answers. */
export interface PortainerTestReply {
  status: number;
  type: string | null;
  headers: Headers;
  body: any;
}

/**
 * Calls a Portainer simulator as a client would (tests only): `call` sends JSON, `createEndpoint`
 * the multipart form of an agent environment. `url` is read at call time (the simulator of the test).
 */
export function portainerTestCalls(url: () => string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = PORTAINER_TEST_KEY,
  ): Promise<PortainerTestReply> => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      headers: res.headers,
      body:
        text && res.headers.get('content-type')?.includes('json')
          ? JSON.parse(text)
          : text || undefined,
    };
  };
  const createEndpoint = async (
    name: string,
    agentUrl: string,
    extra: Record<string, string> = {},
  ) => {
    const form = new FormData();
    const fields = {
      Name: name,
      EndpointCreationType: '2',
      URL: agentUrl,
      TLS: 'true',
      TLSSkipVerify: 'true',
      TLSSkipClientVerify: 'true',
      GroupID: '1',
      TagIds: '[]',
      ...extra,
    };
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    const res = await fetch(`${url()}/endpoints`, {
      method: 'POST',
      headers: PORTAINER_TEST_KEY,
      body: form,
    });
    return { status: res.status, body: await res.json() };
  };
  return { call, createEndpoint };
}
