import { NETBOX_LAB_TOKEN_V2 } from './NetBoxSimulator';

/** The v2 token header the NetBox tests send. */
export const NETBOX_TEST_AUTH = {
  Authorization: `Bearer ${NETBOX_LAB_TOKEN_V2}`,
};

/**
 * Calls a NetBox simulator as a client would (tests only), JSON in and out; the body of an HTML
 * answer is its text. `url` is read at call time (the simulator of the test).
 */
export function netboxTestCall(url: () => string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = NETBOX_TEST_AUTH,
  ) => {
    const res = await fetch(`${url()}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const type = res.headers.get('content-type');
    return {
      status: res.status,
      type,
      body:
        text && type?.includes('json') ? JSON.parse(text) : text || undefined,
    };
  };
}
