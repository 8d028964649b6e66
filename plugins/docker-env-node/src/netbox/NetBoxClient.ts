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
  NETBOX_ENVIRONMENT_FIELD,
  OwnershipConflictError,
  assertEnvironmentId,
} from '../ownership';
import { NetBoxAddressing } from './NetBoxAddressing';
import {
  assertStatus,
  choiceValue,
  isOurVirtualMachine,
  toVm,
  vmBody,
} from './mapping';
import type {
  NetBoxApi,
  NetBoxCluster,
  NetBoxCustomField,
  NetBoxTag,
  NetBoxVirtualMachine,
  NetBoxVmInput,
  NetBoxVmStatus,
} from './types';
import {
  assertColor,
  assertCustomFieldName,
  assertCustomValue,
  assertId,
  assertObjectName,
  assertSlug,
  assertText,
} from './validate';

const VM_OBJECT_TYPE = 'virtualization.virtualmachine';

/**
 * NetBox 4.x REST client for the objects the platform manages. Every input is checked before a
 * request is made; every failure is an {@link UpstreamApiError} with NetBox's field errors flattened.
 *
 * @public
 */
export class NetBoxClient extends NetBoxAddressing implements NetBoxApi {
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
}
