import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ConfigError,
  buildFromConfig,
  readBaseUrl,
  readTimeoutMs,
} from '../config';
import { UpstreamApiError } from '../errors';
import {
  NETBOX_VM_STATUSES,
  NetBoxApi,
  NetBoxCluster,
  NetBoxCustomField,
  NetBoxIpAddress,
  NetBoxRef,
  NetBoxTag,
  NetBoxVirtualMachine,
  NetBoxVmInput,
  NetBoxVmInterface,
  NetBoxVmStatus,
} from './types';
import {
  assertColor,
  assertCustomFieldName,
  assertCustomValue,
  assertDnsName,
  assertId,
  assertIpv4Cidr,
  assertObjectName,
  assertSlug,
  assertText,
  assertVcpus,
} from './validate';
import { assertInteger } from '../validation';
import { requireHttpBaseUrl } from '../validation/primitives';
import { parseJsonBody } from '../http/jsonBody';
import {
  NETBOX_ENVIRONMENT_FIELD,
  OwnershipConflictError,
  assertEnvironmentId,
} from '../ownership';

/** Options of {@link NetBoxClient}. */
export interface NetBoxClientOptions {
  /** Base URL without `/api`, e.g. `https://netbox.example.com`. */
  baseUrl: string;
  /** The API token: `nbt_<key>.<token>` for v2, the 40-character token for v1. */
  token: string;
  /** Token format; default: `v2` when the token starts with `nbt_`, else `v1`. */
  tokenVersion?: 'v1' | 'v2';
  /** Per-request timeout in ms; default 15000. */
  timeoutMs?: number;
  /** Page size used when following `next`; default 100. */
  pageSize?: number;
  /** Upper bound on pages followed by one list call; default 100. */
  maxPages?: number;
  /** Injectable fetch (tests). */
  fetch?: typeof fetch;
}

const VM_OBJECT_TYPE = 'virtualization.virtualmachine';

type Json = Record<string, any>;

/**
 * NetBox 4.x REST client for the objects the platform manages. Every input is checked before a
 * request is made; every failure is an {@link UpstreamApiError} with NetBox's field errors flattened.
 */
export class NetBoxClient implements NetBoxApi {
  private readonly base: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: NetBoxClientOptions) {
    this.base = requireHttpBaseUrl(options.baseUrl, 'baseUrl');
    if (!options.token || /\s/.test(options.token)) {
      throw new InputError(
        'token: is required and must not contain whitespace',
      );
    }
    const version =
      options.tokenVersion ?? (options.token.startsWith('nbt_') ? 'v2' : 'v1');
    if (
      version === 'v2' &&
      !/^nbt_[A-Za-z0-9]+\.[A-Za-z0-9]+$/.test(options.token)
    ) {
      throw new InputError(
        'token: a v2 token must look like nbt_<key>.<token>',
      );
    }
    this.authorization =
      version === 'v2' ? `Bearer ${options.token}` : `Token ${options.token}`;
    this.timeoutMs = options.timeoutMs ?? 15000;
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 100;
    this.fetchFn = options.fetch ?? fetch;
  }

  /**
   * Reads `dockerEnv.netbox` (baseUrl, token, tokenVersion, timeoutMs, allowInsecure); a bad value
   * is a {@link ConfigError}.
   */
  static fromConfig(
    config: Config,
    options: { fetch?: typeof fetch } = {},
  ): NetBoxClient {
    const section = 'dockerEnv.netbox';
    return buildFromConfig(section, () => {
      const c = config.getConfig(section);
      const tokenVersion = c.getOptionalString('tokenVersion');
      if (
        tokenVersion !== undefined &&
        tokenVersion !== 'v1' &&
        tokenVersion !== 'v2'
      ) {
        throw new ConfigError(`${section}.tokenVersion: must be v1 or v2`);
      }
      return new NetBoxClient({
        baseUrl: readBaseUrl(c, section, '/api'),
        token: c.getString('token'),
        tokenVersion,
        timeoutMs: readTimeoutMs(c, section),
        fetch: options.fetch,
      });
    });
  }

  // ---- low level ----

  private async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`;
    const operation = `${method} ${new URL(url).pathname}`;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers: {
          Authorization: this.authorization,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new UpstreamApiError(
        `NetBox ${operation} failed: ${(e as Error).message}`,
        {
          system: 'netbox',
          operation,
          cause: e,
        },
      );
    }
    const text = await res.text();
    const json = parseJsonBody(text);
    if (!res.ok) {
      const fieldErrors = flattenErrors(json);
      const detail =
        typeof json?.detail === 'string'
          ? json.detail
          : Object.entries(fieldErrors)
              .map(([k, v]) => `${k}: ${v}`)
              .join('; ') || res.statusText;
      throw new UpstreamApiError(
        `NetBox ${operation} failed with ${res.status}: ${detail}`,
        {
          system: 'netbox',
          status: res.status,
          reason:
            typeof json?.detail === 'string' ? json.detail : res.statusText,
          fieldErrors,
          operation,
        },
      );
    }
    if (json === undefined && text && res.status !== 204) {
      throw new UpstreamApiError(
        `NetBox ${operation} answered with a body that is not JSON`,
        {
          system: 'netbox',
          status: res.status,
          operation,
        },
      );
    }
    return json;
  }

  /**
   * The first object the query finds, else the one POSTed. A 400 on the POST is read again: another
   * caller (a concurrent provisioning) may have made the same shared object (cluster type, tag...)
   * between the look-up and the POST; NetBox refuses the second one as already existing.
   */
  private async findOrCreate(
    path: string,
    query: Record<string, string | number>,
    body: unknown,
  ): Promise<Json> {
    const found = await this.listAll(path, query);
    if (found[0]) return found[0];
    try {
      return await this.request('POST', path, body);
    } catch (e) {
      if (!(e instanceof UpstreamApiError) || e.status !== 400) throw e;
      const again = await this.listAll(path, query);
      if (again[0]) return again[0];
      throw e;
    }
  }

  /** GETs a list, following `next` until done (bounded by maxPages). */
  private async listAll(
    path: string,
    query: Record<string, string | number>,
  ): Promise<Json[]> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) params.set(k, String(v));
    params.set('limit', String(this.pageSize));
    let next: string | null = `${this.base}${path}?${params.toString()}`;
    const out: Json[] = [];
    for (let page = 0; next; page++) {
      if (page >= this.maxPages) {
        throw new UpstreamApiError(
          `NetBox GET ${path} returned more than ${this.maxPages} pages`,
          {
            system: 'netbox',
            operation: `GET ${path}`,
          },
        );
      }
      const body: any = await this.request('GET', next);
      out.push(...(body?.results ?? []));
      next = body?.next ? this.sameServer(body.next, path) : null;
    }
    return out;
  }

  /**
   * NetBox builds `next` from the request it saw, so behind a TLS-terminating proxy it often reads
   * `http://` or an internal host name. Keep only its path and query and send them to the configured
   * server (the token never goes anywhere else); refuse a path outside the listed collection.
   */
  private sameServer(next: string, path: string): string {
    let link: URL;
    try {
      link = new URL(next, this.base);
    } catch {
      link = new URL('invalid:');
    }
    const basePath = new URL(this.base).pathname.replace(/\/+$/, '');
    if (link.pathname !== `${basePath}${path}`) {
      throw new UpstreamApiError(
        `NetBox GET ${path} returned a next link outside ${path}`,
        {
          system: 'netbox',
          operation: `GET ${path}`,
        },
      );
    }
    return `${this.base}${path}${link.search}`;
  }

  // ---- organisational objects ----

  async ensureClusterType(name: string, slug: string): Promise<NetBoxCluster> {
    assertObjectName(name, 'name', 100);
    assertSlug(slug, 'slug');
    const t = await this.findOrCreate(
      '/api/virtualization/cluster-types/',
      { slug },
      { name, slug },
    );
    return { id: t.id, name: t.name, slug: t.slug };
  }

  async ensureCluster(name: string, typeId: number): Promise<NetBoxCluster> {
    assertObjectName(name, 'name', 100);
    assertId(typeId, 'typeId');
    const c = await this.findOrCreate(
      '/api/virtualization/clusters/',
      { name, type_id: typeId },
      { name, type: typeId, status: 'active' },
    );
    return { id: c.id, name: c.name, typeId: c.type?.id };
  }

  async ensureCustomField(input: {
    name: string;
    type: 'text' | 'integer' | 'boolean' | 'url' | 'longtext';
    label?: string;
    description?: string;
  }): Promise<NetBoxCustomField> {
    assertCustomFieldName(input.name, 'name');
    if (
      !['text', 'integer', 'boolean', 'url', 'longtext'].includes(input.type)
    ) {
      throw new InputError(
        'type: must be one of text, integer, boolean, url, longtext',
      );
    }
    if (input.label !== undefined) assertText(input.label, 'label', 50);
    if (input.description !== undefined)
      assertText(input.description, 'description', 200);
    let f = await this.findOrCreate(
      '/api/extras/custom-fields/',
      { name: input.name },
      {
        name: input.name,
        type: input.type,
        object_types: [VM_OBJECT_TYPE],
        ...(input.label !== undefined ? { label: input.label } : {}),
        ...(input.description !== undefined
          ? { description: input.description }
          : {}),
      },
    );
    if (!f.object_types.includes(VM_OBJECT_TYPE)) {
      f = await this.request('PATCH', `/api/extras/custom-fields/${f.id}/`, {
        object_types: [...f.object_types, VM_OBJECT_TYPE],
      });
    }
    return {
      id: f.id,
      name: f.name,
      type: choiceValue(f.type),
      objectTypes: f.object_types,
    };
  }

  async ensureTag(
    name: string,
    slug: string,
    color?: string,
  ): Promise<NetBoxTag> {
    assertObjectName(name, 'name', 100);
    assertSlug(slug, 'slug');
    if (color !== undefined) assertColor(color, 'color');
    const t = await this.findOrCreate(
      '/api/extras/tags/',
      { slug },
      { name, slug, ...(color ? { color } : {}) },
    );
    return { id: t.id, name: t.name, slug: t.slug };
  }

  // ---- virtual machines ----

  async createVirtualMachine(
    input: NetBoxVmInput,
  ): Promise<NetBoxVirtualMachine> {
    const body = vmBody(input, false);
    return toVm(
      await this.request('POST', '/api/virtualization/virtual-machines/', body),
    );
  }

  async getVirtualMachine(
    name: string,
    clusterId: number,
  ): Promise<NetBoxVirtualMachine | undefined> {
    assertObjectName(name, 'name', 64);
    assertId(clusterId, 'clusterId');
    const found = await this.listAll('/api/virtualization/virtual-machines/', {
      name,
      cluster_id: clusterId,
    });
    return found[0] ? toVm(found[0]) : undefined;
  }

  async getVirtualMachineById(id: number): Promise<NetBoxVirtualMachine> {
    assertId(id, 'id');
    return toVm(
      await this.request('GET', `/api/virtualization/virtual-machines/${id}/`),
    );
  }

  async listVirtualMachines(filter: {
    clusterId?: number;
    status?: NetBoxVmStatus;
    tag?: string;
    customField?: { name: string; value: string };
  }): Promise<NetBoxVirtualMachine[]> {
    const q: Record<string, string | number> = {};
    if (filter.clusterId !== undefined)
      q.cluster_id = assertId(filter.clusterId, 'clusterId');
    if (filter.status !== undefined) q.status = assertStatus(filter.status);
    if (filter.tag !== undefined) q.tag = assertSlug(filter.tag, 'tag');
    if (filter.customField) {
      const name = assertCustomFieldName(
        filter.customField.name,
        'customField.name',
      );
      const value = assertCustomValue(
        filter.customField.value,
        'customField.value',
      );
      q[`cf_${name}`] = String(value);
    }
    const all = await this.listAll('/api/virtualization/virtual-machines/', q);
    return all.map(toVm);
  }

  async updateVirtualMachine(
    id: number,
    patch: Partial<NetBoxVmInput>,
  ): Promise<NetBoxVirtualMachine> {
    assertId(id, 'id');
    const body = vmBody(patch, true);
    return toVm(
      await this.request(
        'PATCH',
        `/api/virtualization/virtual-machines/${id}/`,
        body,
      ),
    );
  }

  async setVirtualMachineStatus(
    id: number,
    status: NetBoxVmStatus,
  ): Promise<NetBoxVirtualMachine> {
    assertId(id, 'id');
    assertStatus(status);
    return toVm(
      await this.request(
        'PATCH',
        `/api/virtualization/virtual-machines/${id}/`,
        { status },
      ),
    );
  }

  async deleteVirtualMachine(id: number): Promise<void> {
    assertId(id, 'id');
    await this.request('DELETE', `/api/virtualization/virtual-machines/${id}/`);
  }

  async upsertVirtualMachine(
    input: NetBoxVmInput,
    ownership: { environmentId: string },
  ): Promise<{ vm: NetBoxVirtualMachine; created: boolean }> {
    const environmentId = assertEnvironmentId(
      ownership?.environmentId,
      'ownership.environmentId',
    );
    const marked: NetBoxVmInput = {
      ...input,
      customFields: {
        ...input.customFields,
        [NETBOX_ENVIRONMENT_FIELD]: environmentId,
      },
    };
    vmBody(marked, false);
    const adopt = async (existing: NetBoxVirtualMachine) => {
      if (!isOurVirtualMachine(existing, environmentId)) {
        throw new OwnershipConflictError(
          'NetBox',
          `virtual machine "${existing.name}" (id ${existing.id})`,
          `custom field ${NETBOX_ENVIRONMENT_FIELD} is ${JSON.stringify(
            existing.customFields[NETBOX_ENVIRONMENT_FIELD] ?? null,
          )}, not ${JSON.stringify(environmentId)}`,
        );
      }
      return {
        vm: await this.updateVirtualMachine(existing.id, marked),
        created: false,
      };
    };
    const existing = await this.getVirtualMachine(input.name, input.clusterId);
    if (existing) return adopt(existing);
    try {
      return { vm: await this.createVirtualMachine(marked), created: true };
    } catch (e) {
      // A concurrent create won the race: NetBox refuses the duplicate name; take the winner if ours.
      if (
        e instanceof UpstreamApiError &&
        e.status === 400 &&
        e.fieldErrors.__all__
      ) {
        const again = await this.getVirtualMachine(input.name, input.clusterId);
        if (again) return adopt(again);
      }
      throw e;
    }
  }

  // ---- interfaces and addresses ----

  async ensureInterface(
    virtualMachineId: number,
    name: string,
    options: { tags?: Array<{ name: string; slug: string }> } = {},
  ): Promise<NetBoxVmInterface & { created: boolean }> {
    assertId(virtualMachineId, 'virtualMachineId');
    assertObjectName(name, 'name', 64);
    const tags = tagRefs(options.tags);
    const found = await this.listAll('/api/virtualization/interfaces/', {
      virtual_machine_id: virtualMachineId,
      name,
    });
    const i =
      found.find(x => x.name === name) ??
      (await this.request('POST', '/api/virtualization/interfaces/', {
        virtual_machine: virtualMachineId,
        name,
        ...(tags ? { tags } : {}),
      }));
    return {
      id: i.id,
      name: i.name,
      virtualMachineId: i.virtual_machine.id,
      created: !found.length,
    };
  }

  async ensureIpAddress(input: {
    address: string;
    interfaceId: number;
    dnsName?: string;
    description?: string;
    tags?: Array<{ name: string; slug: string }>;
  }): Promise<NetBoxIpAddress & { created: boolean }> {
    assertIpv4Cidr(input.address, 'address');
    assertId(input.interfaceId, 'interfaceId');
    if (input.dnsName !== undefined) assertDnsName(input.dnsName, 'dnsName');
    if (input.description !== undefined)
      assertText(input.description, 'description', 200);
    const tags = tagRefs(input.tags);
    const host = input.address.split('/')[0];
    const found = (
      await this.listAll('/api/ipam/ip-addresses/', { address: host })
    ).filter(ip => String(ip.address).split('/')[0] === host);
    const assigned = (ip: Json) =>
      ip.assigned_object_type === 'virtualization.vminterface' &&
      ip.assigned_object_id === input.interfaceId;
    const ours = found.find(assigned);
    if (ours) return { ...toIp(ours), created: false };
    if (found.length) {
      const other = found[0];
      throw new OwnershipConflictError(
        'NetBox',
        `IP address ${other.address} (id ${other.id})`,
        other.assigned_object_id
          ? `assigned to ${other.assigned_object_type} ${other.assigned_object_id}`
          : 'not assigned to our interface',
      );
    }
    const ip = await this.request('POST', '/api/ipam/ip-addresses/', {
      address: input.address,
      status: 'active',
      assigned_object_type: 'virtualization.vminterface',
      assigned_object_id: input.interfaceId,
      ...(input.dnsName !== undefined ? { dns_name: input.dnsName } : {}),
      ...(input.description !== undefined
        ? { description: input.description }
        : {}),
      ...(tags ? { tags } : {}),
    });
    return { ...toIp(ip), created: true };
  }

  async setPrimaryIp4(
    virtualMachineId: number,
    ipAddressId: number,
  ): Promise<NetBoxVirtualMachine> {
    assertId(virtualMachineId, 'virtualMachineId');
    assertId(ipAddressId, 'ipAddressId');
    return toVm(
      await this.request(
        'PATCH',
        `/api/virtualization/virtual-machines/${virtualMachineId}/`,
        {
          primary_ip4: ipAddressId,
        },
      ),
    );
  }
}

/** True when a VM carries this environment's id in its custom field (our mark in NetBox). */
export function isOurVirtualMachine(
  vm: NetBoxVirtualMachine,
  environmentId: string,
): boolean {
  return vm.customFields[NETBOX_ENVIRONMENT_FIELD] === environmentId;
}

function toIp(ip: Json): NetBoxIpAddress {
  return {
    id: ip.id,
    address: ip.address,
    status: choiceValue(ip.status),
    assignedInterfaceId: ip.assigned_object_id ?? null,
  };
}

function tagRefs(
  tags: Array<{ name: string; slug: string }> | undefined,
): Json[] | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags))
    throw new InputError('tags: must be a list of {name, slug}');
  return tags.map((t, i) => ({
    name: assertObjectName(t?.name, `tags[${i}].name`, 100),
    slug: assertSlug(t?.slug, `tags[${i}].slug`),
  }));
}

function assertStatus(status: unknown): NetBoxVmStatus {
  if (!NETBOX_VM_STATUSES.includes(status as NetBoxVmStatus)) {
    throw new InputError(
      `status: must be one of ${NETBOX_VM_STATUSES.join(', ')}`,
    );
  }
  return status as NetBoxVmStatus;
}

/** Validates a VM input and builds NetBox's write body (choices as values, relations as ids). */
function vmBody(input: Partial<NetBoxVmInput>, partial: boolean): Json {
  const body: Json = {};
  if (!partial || input.name !== undefined)
    body.name = assertObjectName(input.name, 'name', 64);
  if (!partial || input.clusterId !== undefined)
    body.cluster = assertId(input.clusterId, 'clusterId');
  if (input.status !== undefined) body.status = assertStatus(input.status);
  if (input.vcpus !== undefined) body.vcpus = assertVcpus(input.vcpus, 'vcpus');
  if (input.memoryMb !== undefined)
    body.memory = assertInteger(input.memoryMb, 'memoryMb', 0, 2147483647);
  if (input.diskMb !== undefined)
    body.disk = assertInteger(input.diskMb, 'diskMb', 0, 2147483647);
  if (input.tenantId !== undefined)
    body.tenant = assertId(input.tenantId, 'tenantId');
  if (input.roleId !== undefined) body.role = assertId(input.roleId, 'roleId');
  if (input.comments !== undefined)
    body.comments = assertText(input.comments, 'comments', 10000);
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags))
      throw new InputError('tags: must be a list of {name, slug}');
    // NetBox resolves nested tags by all the attributes given, so both must match the stored tag.
    body.tags = input.tags.map((t, i) => ({
      name: assertObjectName(t?.name, `tags[${i}].name`, 100),
      slug: assertSlug(t?.slug, `tags[${i}].slug`),
    }));
  }
  if (input.customFields !== undefined) {
    const cf: Json = {};
    for (const [k, v] of Object.entries(input.customFields)) {
      assertCustomFieldName(k, 'customFields');
      cf[k] = assertCustomValue(v, `customFields.${k}`);
    }
    body.custom_fields = cf;
  }
  return body;
}

/** Reads a choice field written as a value and read back as `{value, label}`. */
export function choiceValue(v: unknown): string {
  if (v && typeof v === 'object' && 'value' in v)
    return String((v as { value: unknown }).value);
  return v === null || v === undefined ? '' : String(v);
}

function ref(v: any): NetBoxRef | null {
  if (!v) return null;
  return { id: v.id, name: v.name, ...(v.slug ? { slug: v.slug } : {}) };
}

function toVm(v: any): NetBoxVirtualMachine {
  return {
    id: v.id,
    name: v.name,
    status: choiceValue(v.status) as NetBoxVmStatus,
    statusLabel:
      typeof v.status === 'object' && v.status
        ? v.status.label
        : String(v.status ?? ''),
    cluster: ref(v.cluster),
    tenant: ref(v.tenant),
    role: ref(v.role),
    vcpus: v.vcpus === null || v.vcpus === undefined ? null : Number(v.vcpus),
    memoryMb: v.memory ?? null,
    diskMb: v.disk ?? null,
    primaryIp4: v.primary_ip4
      ? { id: v.primary_ip4.id, address: v.primary_ip4.address }
      : null,
    comments: v.comments ?? '',
    tags: (v.tags ?? []).map((t: any) => t.slug),
    customFields: v.custom_fields ?? {},
    url: v.url,
  };
}

/** Flattens `{field: [msg]}`, `{field: {sub: msg}}`, `__all__` and `non_field_errors` to one message per key. */
export function flattenErrors(
  body: unknown,
  prefix = '',
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === 'detail' && !prefix) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) {
      const msgs = v.filter(x => typeof x === 'string');
      if (msgs.length) out[key] = msgs.join(' ');
      v.forEach((x, i) => {
        if (x && typeof x === 'object')
          Object.assign(out, flattenErrors(x, `${key}[${i}]`));
      });
    } else if (typeof v === 'string') {
      out[key] = v;
    } else if (v && typeof v === 'object') {
      Object.assign(out, flattenErrors(v, key));
    }
  }
  return out;
}
