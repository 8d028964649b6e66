import { Environment } from '@docker-env/plugin-docker-env-common';

/** An environment record as the docker-env API returns it, with `overrides`. */
export function testEnvironment(
  overrides: Partial<Environment> = {},
): Environment {
  return {
    id: '6f1c2c1e-0000-4000-8000-000000000001',
    name: 'alpha',
    owner: 'group:default/team-a',
    status: 'ready',
    statusReason: null,
    size: 'M',
    cpuCores: 2,
    memoryMb: 4096,
    diskGb: 32,
    purpose: 'Feature branch of the shop',
    expiresOn: null,
    url: 'https://alpha.apps.example.test',
    portainerUrl: 'https://portainer.example.test/#!/12/docker/dashboard',
    vmid: 4012,
    node: 'pve1',
    netboxVmId: 17,
    portainerEndpointId: 12,
    createdBy: 'user:default/alice',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:05:00.000Z',
    ...overrides,
  };
}
