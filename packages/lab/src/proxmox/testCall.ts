import type { ProxmoxContract } from '../contracts';
import { DEFAULT_PROXMOX_SIM_TOKEN } from './config';
import type { ProxmoxSimulator } from './ProxmoxSimulator';

/** The simulator's default token as an Authorization header (tests only). */
export const AUTH = `PVEAPIToken=${DEFAULT_PROXMOX_SIM_TOKEN.id}=${DEFAULT_PROXMOX_SIM_TOKEN.secret}`;

/** Calls the API like a client would, asserting PVE's wire format and the contract (tests only). */
export async function pveCall(
  sim: ProxmoxSimulator,
  contract: ProxmoxContract,
  method: string,
  path: string,
  params: Record<string, string | number> = {},
  auth = AUTH,
) {
  const form = new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, String(v)]),
  );
  const hasBody = method === 'POST' || method === 'PUT';
  const url = `${sim.url}${path}${!hasBody && form.size ? `?${form}` : ''}`;
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: auth,
      ...(hasBody
        ? { 'Content-Type': 'application/x-www-form-urlencoded' }
        : {}),
    },
    body: hasBody ? form.toString() : undefined,
  });
  expect(res.headers.get('content-type')).toBe(
    'application/json;charset=UTF-8',
  );
  const body = await res.json();
  if (res.status === 200) {
    const m = contract.match(method, path);
    expect(m).toBeDefined();
    expect(contract.validateResponse(method, m!.template, body.data)).toEqual(
      [],
    );
  } else {
    expect(body.data).toBeNull();
    expect(body.message).toBe(`${res.statusText}\n`);
  }
  return { status: res.status, reason: res.statusText, body };
}

/** Polls a task until it stops and returns its status (tests only). */
export async function pveWaitTask(
  sim: ProxmoxSimulator,
  contract: ProxmoxContract,
  upid: string,
) {
  for (let i = 0; i < 400; i++) {
    const { body } = await pveCall(
      sim,
      contract,
      'GET',
      `/nodes/pve/tasks/${encodeURIComponent(upid)}/status`,
    );
    if (body.data.status === 'stopped') return body.data;
    await new Promise(r => setTimeout(r, 5));
  }
  throw new Error('task did not stop');
}
