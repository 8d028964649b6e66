import { InputError } from '@backstage/errors';
import { NETBOX_LAB_TOKEN_V2 } from '@docker-env/lab';
import {
  UNSAFE_NAMES,
  fetchThatMustNotBeCalled,
} from '@docker-env/lab-testing/clients/unsafeInput';
import { NetBoxClient } from './NetBoxClient';

/** Bad input is refused with an error naming the field and the rule, before any request is made. */
describe('NetBoxClient refuses bad input before any request', () => {
  const noRequest = fetchThatMustNotBeCalled();
  const client = () =>
    new NetBoxClient({
      baseUrl: 'http://127.0.0.1:9',
      token: NETBOX_LAB_TOKEN_V2,
      fetch: noRequest.fetch,
    });

  it.each(UNSAFE_NAMES)('VM name %j', async name => {
    const nb = client();
    await expect(
      nb.createVirtualMachine({ name, clusterId: 1 }),
    ).rejects.toBeInstanceOf(InputError);
    await expect(
      nb.upsertVirtualMachine(
        { name, clusterId: 1 },
        { environmentId: 'env-1' },
      ),
    ).rejects.toBeInstanceOf(InputError);
    await expect(nb.getVirtualMachine(name, 1)).rejects.toBeInstanceOf(
      InputError,
    );
    expect(noRequest.requests).toEqual([]);
  });

  it('other fields name the field and the rule', async () => {
    const nb = client();
    await expect(
      nb.ensureCustomField({ name: 'Bad-Name', type: 'text' }),
    ).rejects.toThrow(/^name: must match/);
    await expect(
      nb.ensureCustomField({ name: 'a__b', type: 'text' }),
    ).rejects.toThrow(InputError);
    await expect(nb.ensureTag('ok', 'Not A Slug')).rejects.toThrow(/^slug:/);
    await expect(
      nb.setVirtualMachineStatus(1, 'running' as any),
    ).rejects.toThrow(/^status:/);
    await expect(
      nb.ensureIpAddress({ address: '10.0.0.1', interfaceId: 1 }),
    ).rejects.toThrow(/^address:/);
    await expect(
      nb.ensureIpAddress({
        address: '10.0.0.1/24',
        interfaceId: 1,
        dnsName: 'a`b',
      }),
    ).rejects.toThrow(/^dnsName:/);
    await expect(
      nb.createVirtualMachine({
        name: 'ok',
        clusterId: 1,
        customFields: { env: 'a\nb' },
      }),
    ).rejects.toThrow(/^customFields.env:/);
    await expect(
      nb.listVirtualMachines({ customField: { name: 'x y', value: 'v' } }),
    ).rejects.toThrow(/^customField.name:/);
    await expect(
      nb.createVirtualMachine({ name: 'ok', clusterId: 0 }),
    ).rejects.toThrow(/^clusterId:/);
    await expect(
      nb.createVirtualMachine({ name: 'ok', clusterId: 1, vcpus: 0 }),
    ).rejects.toThrow(/^vcpus:/);
    await expect(
      nb.createVirtualMachine({
        name: 'ok',
        clusterId: 1,
        tags: [{ name: 'a b', slug: 'ab' }],
      }),
    ).rejects.toThrow(/^tags\[0\]\.name:/);
    await expect(nb.deleteVirtualMachine(-1)).rejects.toThrow(/^id:/);
    expect(noRequest.requests).toEqual([]);
  });
});
