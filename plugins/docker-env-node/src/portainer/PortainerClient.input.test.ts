import { PORTAINER_LAB_API_KEY } from '@docker-env/lab';
import { InputError } from '@backstage/errors';
import {
  UNSAFE_NAMES,
  fetchThatMustNotBeCalled,
} from '@docker-env/lab-testing/clients/unsafeInput';
import { PortainerClient } from './PortainerClient';
import { AGENT_IP } from '@docker-env/lab-testing/clients/portainerHarness';

/** Bad input is refused with an error naming the field and the rule, before any request is made. */
describe('PortainerClient refuses bad input before any request', () => {
  const noRequest = fetchThatMustNotBeCalled();
  const client = () =>
    new PortainerClient({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: PORTAINER_LAB_API_KEY,
      fetch: noRequest.fetch,
    });

  it.each(UNSAFE_NAMES)('name %j', async name => {
    const pt = client();
    await expect(
      pt.createAgentEndpoint({ name, ip: AGENT_IP, environmentId: 'env-1' }),
    ).rejects.toBeInstanceOf(InputError);
    // team names carry an owner's whole ref: up to 255 characters
    await expect(
      pt.ensureTeam(name.length > 64 ? 'x'.repeat(256) : name),
    ).rejects.toBeInstanceOf(InputError);
    await expect(pt.listEndpoints({ name })).rejects.toBeInstanceOf(InputError);
    await expect(
      pt.ensureRegistry({ name, type: 3, url: 'reg.lab' }),
    ).rejects.toBeInstanceOf(InputError);
    // user names may be up to 128 characters
    await expect(
      pt.findUserByUsername(name.length > 64 ? 'x'.repeat(129) : name),
    ).rejects.toBeInstanceOf(InputError);
    expect(noRequest.requests).toEqual([]);
  });

  it('other fields name the field and the rule', async () => {
    const pt = client();
    await expect(
      pt.createAgentEndpoint({
        name: 'ok',
        ip: '10.0.0.256',
        environmentId: 'env-1',
      }),
    ).rejects.toThrow(/^ip:/);
    await expect(
      pt.createAgentEndpoint({
        name: 'ok',
        ip: AGENT_IP,
        port: 70000,
        environmentId: 'env-1',
      }),
    ).rejects.toThrow(/^port:/);
    await expect(pt.addTeamMember(1, 2, 3 as any)).rejects.toThrow(/^role:/);
    await expect(pt.grantTeamAccess(0, 1)).rejects.toThrow(/^endpointId:/);
    await expect(
      pt.ensureRegistry({ name: 'r', type: 4, url: 'https://reg.lab' }),
    ).rejects.toThrow(/^url:/);
    await expect(
      pt.ensureRegistry({ name: 'r', type: 4, url: 'reg.lab/../x' }),
    ).rejects.toThrow(/^url:/);
    await expect(
      pt.ensureRegistry({
        name: 'r',
        type: 4,
        url: 'reg.lab',
        username: 'u',
        password: 'a\nb',
      }),
    ).rejects.toThrow(/^password: must not contain control characters$/);
    await expect(
      pt.ensureRegistry({ name: 'r', type: 5 as any, url: 'reg.lab' }),
    ).rejects.toThrow(/^type:/);
    await expect(
      pt.dockerRequest(1, 'GET', '/containers/../../etc'),
    ).rejects.toThrow(/^path:/);
    await expect(pt.dockerRequest(1, 'GET', 'containers/json')).rejects.toThrow(
      /^path:/,
    );
    await expect(
      pt.dockerRequest(1, 'GET', '/x', { query: { 'a&b': 1 } }),
    ).rejects.toThrow(/^query:/);
    expect(noRequest.requests).toEqual([]);
  });
});
