import { ResponseError } from '@backstage/errors';
import type {
  CreateEnvironmentRequest,
  CreateEnvironmentResponse,
  Environment,
  ListEnvironmentsQuery,
  ListEnvironmentsResponse,
  ListOperationsResponse,
  NameAvailability,
  StatusResponse,
} from '../api';

/**
 * Every route the client calls, as `METHOD /path/{param}` (a test checks each is in the plugin's OpenAPI spec).
 *
 * @public
 */
export const DOCKER_ENV_CLIENT_ROUTES = {
  createEnvironment: 'POST /environments',
  listEnvironments: 'GET /environments',
  getEnvironment: 'GET /environments/{name}',
  listOperations: 'GET /environments/{name}/operations',
  checkName: 'GET /names/{name}',
  getStatus: 'GET /status',
} as const;

type Route =
  (typeof DOCKER_ENV_CLIENT_ROUTES)[keyof typeof DOCKER_ENV_CLIENT_ROUTES];

/**
 * A typed client of the docker-env backend's HTTP API, for the frontend, the scaffolder module and scripts.
 *
 * @public
 */
export class DockerEnvClient {
  constructor(
    private readonly options: {
      discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
      fetchApi?: { fetch: typeof fetch };
    },
  ) {}

  createEnvironment(
    body: CreateEnvironmentRequest,
    options: { idempotencyKey?: string; token?: string } = {},
  ): Promise<CreateEnvironmentResponse> {
    return this.call(
      DOCKER_ENV_CLIENT_ROUTES.createEnvironment,
      {},
      {
        body,
        token: options.token,
        headers: options.idempotencyKey
          ? { 'Idempotency-Key': options.idempotencyKey }
          : {},
      },
    );
  }

  listEnvironments(
    query: ListEnvironmentsQuery = {},
    options: { token?: string } = {},
  ): Promise<ListEnvironmentsResponse> {
    return this.call(
      DOCKER_ENV_CLIENT_ROUTES.listEnvironments,
      {},
      { query, token: options.token },
    );
  }

  getEnvironment(
    name: string,
    options: { token?: string } = {},
  ): Promise<Environment> {
    return this.call(
      DOCKER_ENV_CLIENT_ROUTES.getEnvironment,
      { name },
      options,
    );
  }

  listOperations(
    name: string,
    options: { token?: string } = {},
  ): Promise<ListOperationsResponse> {
    return this.call(
      DOCKER_ENV_CLIENT_ROUTES.listOperations,
      { name },
      options,
    );
  }

  checkName(
    name: string,
    options: { token?: string } = {},
  ): Promise<NameAvailability> {
    return this.call(DOCKER_ENV_CLIENT_ROUTES.checkName, { name }, options);
  }

  getStatus(options: { token?: string } = {}): Promise<StatusResponse> {
    return this.call(DOCKER_ENV_CLIENT_ROUTES.getStatus, {}, options);
  }

  private async call<T>(
    route: Route,
    params: Record<string, string>,
    init: {
      body?: unknown;
      query?: object;
      headers?: Record<string, string>;
      token?: string;
    },
  ): Promise<T> {
    const [method, template] = route.split(' ');
    const path = template.replace(/\{(\w+)\}/g, (_, key) =>
      encodeURIComponent(params[key]),
    );
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined) search.set(key, String(value));
    }
    const base = await this.options.discoveryApi.getBaseUrl('docker-env');
    const url = `${base}${path}${search.size ? `?${search}` : ''}`;
    const res = await (this.options.fetchApi?.fetch ?? fetch)(url, {
      method,
      headers: {
        ...(init.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
        ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
