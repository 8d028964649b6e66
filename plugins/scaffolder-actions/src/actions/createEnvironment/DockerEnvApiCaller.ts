import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  Environment,
  ListOperationsResponse,
  Operation,
} from '@docker-env/plugin-docker-env-common';

/** What `POST /environments` answers: an operation, or an approval request when over quota. */
export interface CreateAnswer {
  environment: Environment;
  operation?: Operation;
  request?: { id: string; status: string };
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Calls the docker-env backend's HTTP API on behalf of the user who started the task, so ownership,
 * permissions and audit see the requester. Every call has a timeout and a bounded read.
 */
export class DockerEnvApiCaller {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      credentials: BackstageCredentials;
      timeoutMs: number;
    },
  ) {}

  createEnvironment(
    body: CreateEnvironmentRequest,
    idempotencyKey: string,
  ): Promise<CreateAnswer> {
    return this.call('POST', '/environments', body, {
      'Idempotency-Key': idempotencyKey,
    });
  }

  getEnvironment(name: string): Promise<Environment> {
    return this.call('GET', `/environments/${encodeURIComponent(name)}`);
  }

  async listOperations(name: string): Promise<Operation[]> {
    const res: ListOperationsResponse = await this.call(
      'GET',
      `/environments/${encodeURIComponent(name)}/operations`,
    );
    return res.items;
  }

  checkName(name: string): Promise<{ available: boolean; message?: string }> {
    return this.call('GET', `/names/${encodeURIComponent(name)}`);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const base = await this.deps.discovery.getBaseUrl('docker-env');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: this.deps.credentials,
      targetPluginId: 'docker-env',
    });
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
    } catch (e) {
      throw new Error(
        `The docker-env backend did not answer ${method} ${path} (${
          (e as Error).name === 'TimeoutError'
            ? `no answer within ${this.deps.timeoutMs} ms`
            : (e as Error).message
        }); check that the docker-env backend plugin is installed and running`,
      );
    }
    const text = await readBounded(res, MAX_BODY_BYTES);
    if (res.ok) return JSON.parse(text) as T;
    throw errorFor(res.status, messageOf(text) ?? res.statusText);
  }
}

async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new Error(`The docker-env backend sent more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed?.error?.message === 'string'
      ? parsed.error.message
      : undefined;
  } catch {
    return undefined;
  }
}

function errorFor(status: number, message: string): Error {
  if (status === 400) return new InputError(message);
  if (status === 401 || status === 403) return new NotAllowedError(message);
  if (status === 404) return new NotFoundError(message);
  if (status === 409) return new ConflictError(message);
  return new Error(`The docker-env backend answered ${status}: ${message}`);
}
