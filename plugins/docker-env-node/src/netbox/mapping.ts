import { InputError } from '@backstage/errors';
import { NETBOX_ENVIRONMENT_FIELD } from '../ownership';
import { assertInteger } from '../validation';
import type { Json } from './NetBoxHttp';
import {
  NETBOX_VM_STATUSES,
  type NetBoxIpAddress,
  type NetBoxRef,
  type NetBoxVirtualMachine,
  type NetBoxVmInput,
  type NetBoxVmStatus,
} from './types';
import {
  assertCustomFieldName,
  assertCustomValue,
  assertId,
  assertObjectName,
  assertSlug,
  assertText,
  assertVcpus,
} from './validate';

/**
 * True when a VM carries this environment's id in its custom field (our mark in NetBox).
 *
 * @public
 */
export function isOurVirtualMachine(
  vm: NetBoxVirtualMachine,
  environmentId: string,
): boolean {
  return vm.customFields[NETBOX_ENVIRONMENT_FIELD] === environmentId;
}

/** @internal */
export function toIp(ip: Json): NetBoxIpAddress {
  return {
    id: ip.id,
    address: ip.address,
    status: choiceValue(ip.status),
    assignedInterfaceId: ip.assigned_object_id ?? null,
  };
}

/** @internal */
export function tagRefs(
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

/** @internal */
export function assertStatus(status: unknown): NetBoxVmStatus {
  if (!NETBOX_VM_STATUSES.includes(status as NetBoxVmStatus)) {
    throw new InputError(
      `status: must be one of ${NETBOX_VM_STATUSES.join(', ')}`,
    );
  }
  return status as NetBoxVmStatus;
}

/** Validates a VM input and builds NetBox's write body (choices as values, relations as ids). */
export function vmBody(input: Partial<NetBoxVmInput>, partial: boolean): Json {
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
  // NetBox resolves nested tags by all the attributes given, so both must match the stored tag.
  if (input.tags !== undefined) body.tags = tagRefs(input.tags);
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

/**
 * Reads a choice field written as a value and read back as `{value, label}`.
 *
 * @public
 */
export function choiceValue(v: unknown): string {
  if (v && typeof v === 'object' && 'value' in v)
    return String((v as { value: unknown }).value);
  return v === null || v === undefined ? '' : String(v);
}

function ref(v: any): NetBoxRef | null {
  if (!v) return null;
  return { id: v.id, name: v.name, ...(v.slug ? { slug: v.slug } : {}) };
}

/** @internal */
export function toVm(v: any): NetBoxVirtualMachine {
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

/**
 * Flattens `{field: [msg]}`, `{field: {sub: msg}}`, `__all__` and `non_field_errors` to one message per key.
 *
 * @public
 */
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
