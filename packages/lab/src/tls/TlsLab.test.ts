import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { type Lab, startLab } from '../lab/startLab';
import { DEFAULT_PROXMOX_SIM_TOKEN } from '../proxmox';

interface Answer {
  status: number;
  body: any;
}

/** One HTTPS request trusting exactly `ca` (a PEM file), as a production client would. */
function call(
  url: string,
  ca: string | undefined,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        ...(ca ? { ca: fs.readFileSync(ca) } : { rejectUnauthorized: false }),
        timeout: 10_000,
      },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', c => (text += c));
        res.on('end', () => {
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

async function agentForm(name: string, url: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries({
    Name: name,
    EndpointCreationType: '2',
    URL: url,
    TLS: 'true',
    TLSSkipVerify: 'true',
    TLSSkipClientVerify: 'true',
    GroupID: '1',
    TagIds: '[]',
  }))
    form.set(k, v);
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    type: encoded.headers.get('content-type')!,
  };
}

async function createAgentEndpoint(lab: Lab, name: string, agentUrl: string) {
  const { body, type } = await agentForm(name, agentUrl);
  return call(`${lab.urls.portainer}/endpoints`, lab.tls!.caFiles.portainer, {
    method: 'POST',
    headers: {
      'X-API-Key': lab.credentials.portainer.apiKey,
      'Content-Type': type,
    },
    body,
  });
}

/** Boots one guest with the golden template's agent (Docker preinstalled). */
async function bootGuest(lab: Lab, vmid: number, ip: string) {
  await lab.guests.start({
    vmid,
    hostname: `ct${vmid}`,
    ip,
    dockerPreinstalled: true,
  });
  return `tcp://${ip}:9001`;
}

jest.setTimeout(60_000);

// NOT UNDERSTOOD: one clean-clone run failed here once with OpenSSL's "asn1 encoding routines::illegal padding"
// (not reproduced in 11 runs; the certificates' serials were made minimal DER since). One retry, logged, until the
// cause is found: a real fault fails both tries.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

describe('the lab in TLS mode', () => {
  let caDir: string;
  const labs: Lab[] = [];
  beforeEach(() => {
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tls-'));
  });
  afterEach(async () => {
    for (const lab of labs.splice(0)) await lab.stop();
    fs.rmSync(caDir, { recursive: true, force: true });
  });

  it('serves each system with its real trust relation and fresh credentials', async () => {
    const lab = await startLab({ latencyScale: 0, tls: { caDir } });
    labs.push(lab);
    const { caFiles } = lab.tls!;
    // pebble's root is written only with an edge (TlsEdge.test.ts)
    const { acmeRoot, ...written } = caFiles;
    expect(fs.existsSync(acmeRoot)).toBe(false);
    for (const f of Object.values(written))
      expect(fs.readFileSync(f, 'utf8')).toMatch(/BEGIN CERTIFICATE/);
    expect(lab.urls.proxmox).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/api2\/json$/,
    );

    const pveAuth = {
      Authorization: `PVEAPIToken=${lab.credentials.proxmox.tokenId}=${lab.credentials.proxmox.tokenSecret}`,
    };
    const version = await call(`${lab.urls.proxmox}/version`, caFiles.proxmox, {
      headers: pveAuth,
    });
    expect(version.status).toBe(200);
    // each certificate verifies against its own CA only
    await expect(
      call(`${lab.urls.proxmox}/version`, caFiles.netbox, { headers: pveAuth }),
    ).rejects.toThrow(/certificate/);
    await expect(
      call(`${lab.urls.netbox}/api/status/`, caFiles.proxmox),
    ).rejects.toThrow(/certificate/);
    await expect(
      call(`${lab.urls.portainer}/system/status`, caFiles.netbox),
    ).rejects.toThrow(/certificate/);
    const netbox = await call(
      `${lab.urls.netbox}/api/status/`,
      caFiles.netbox,
      {
        headers: { Authorization: `Bearer ${lab.credentials.netbox.token}` },
      },
    );
    expect(netbox.status).toBe(200);

    // the embedded default's fixed token is not accepted
    expect(lab.credentials.proxmox.tokenSecret).not.toBe(
      DEFAULT_PROXMOX_SIM_TOKEN.secret,
    );
    const stale = await call(`${lab.urls.proxmox}/version`, caFiles.proxmox, {
      headers: {
        Authorization: `PVEAPIToken=${DEFAULT_PROXMOX_SIM_TOKEN.id}=${DEFAULT_PROXMOX_SIM_TOKEN.secret}`,
      },
    });
    expect(stale.status).toBe(401);
  });

  it('pairs agents over TLS with AGENT_SECRET, and refuses a Portainer with another secret', async () => {
    const lab = await startLab({ latencyScale: 0, tls: { caDir } });
    labs.push(lab);
    const url = await bootGuest(lab, 301, '127.10.3.1');
    // the agent's own self-signed certificate; its ping needs no secret
    const ping = await call('https://127.10.3.1:9001/ping', undefined);
    expect(ping.status).toBe(204);
    // unsigned Docker calls are refused
    const unsigned = await call('https://127.10.3.1:9001/info', undefined);
    expect(unsigned.status).toBe(403);
    const ok = await createAgentEndpoint(lab, 'env-ok', url);
    expect(ok.status).toBe(200);
    expect(ok.body.Snapshots[0].DockerVersion).toBeTruthy();

    const other = await startLab({
      latencyScale: 0,
      tls: {
        caDir: path.join(caDir, 'other'),
        agentSecret: 'portainer-secret',
        guestAgentSecret: 'a-template-for-another-portainer',
      },
    });
    labs.push(other);
    const url2 = await bootGuest(other, 302, '127.10.3.2');
    const refused = await createAgentEndpoint(other, 'env-x', url2);
    expect(refused.status).toBe(500);
    expect(refused.body).toEqual({
      message: 'Unable to initiate communications with environment',
      details: 'Agent already paired with another Portainer instance',
    });
    const list = await call(
      `${other.urls.portainer}/endpoints`,
      other.tls!.caFiles.portainer,
      {
        headers: { 'X-API-Key': other.credentials.portainer.apiKey },
      },
    );
    expect(list.body).toEqual([]);
  });

  it('lets an agent without AGENT_SECRET be claimed by the first Portainer only', async () => {
    const first = await startLab({
      latencyScale: 0,
      tls: { caDir, agentSecret: '', guestAgentSecret: '' },
    });
    labs.push(first);
    const second = await startLab({
      latencyScale: 0,
      tls: { caDir: path.join(caDir, 'second'), agentSecret: '' },
    });
    labs.push(second);
    const url = await bootGuest(first, 303, '127.10.3.3');
    expect((await createAgentEndpoint(first, 'env-1', url)).status).toBe(200);
    const taken = await createAgentEndpoint(second, 'env-2', url);
    expect(taken.status).toBe(500);
    expect(taken.body.details).toBe(
      'Agent already paired with another Portainer instance',
    );
    // the first Portainer keeps working with it
    expect((await createAgentEndpoint(first, 'env-3', url)).status).toBe(200);
  });
});
