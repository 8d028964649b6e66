import { ConfigReader } from '@backstage/config';
import { lifecycleConfig, readLifecycleConfig } from './config';

describe('lifecycle config', () => {
  it('reads dockerEnv.lifecycle with defaults', () => {
    const c = readLifecycleConfig(
      new ConfigReader({
        dockerEnv: {
          lifecycle: {
            backupStorage: 'pbs-main',
            pausedRoute: { service: 'paused@file' },
            shutdownTimeoutSeconds: 30,
          },
        },
      }),
    );
    expect(c).toMatchObject({
      backupStorage: 'pbs-main',
      pausedRoute: { service: 'paused@file' },
      shutdownTimeoutSeconds: 30,
      taskTimeoutMs: 300_000,
      agentContainerName: 'portainer_agent',
      agentPort: 9001,
    });
  });

  it.each([
    [{ pausedRoute: {} }, /^lifecycle.pausedRoute: give exactly one of/],
    [
      { pausedRoute: { service: 'a@file', url: 'http://x/' } },
      /^lifecycle.pausedRoute: give exactly one of/,
    ],
    [{ backupStorage: '../etc' }, /lifecycle.backupStorage/],
    [{ taskTimeoutMs: 0 }, /^lifecycle.taskTimeoutMs: must be a whole number/],
    [{ shutdownTimeoutSeconds: -1 }, /^lifecycle.shutdownTimeoutSeconds/],
    [
      { backupMode: 'suspend' },
      /^lifecycle.backupMode: must be snapshot or stop/,
    ],
  ])('refuses %j', (values, message) => {
    expect(() =>
      lifecycleConfig({
        backupStorage: 'backup',
        pausedRoute: { service: 'paused@file' },
        ...(values as object),
      }),
    ).toThrow(message);
  });
});
