// The Docker API system bodies: `GET /version` and `GET /info`.
import os from 'node:os';
import type { DockerEngine } from './DockerEngine';
import { ENGINE_VERSION } from './engineCore';
import { rfc3339Nano } from './model';

export function versionBody(engine: DockerEngine) {
  return {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      {
        Name: 'Engine',
        Version: ENGINE_VERSION.Version,
        Details: {
          ApiVersion: ENGINE_VERSION.ApiVersion,
          MinAPIVersion: ENGINE_VERSION.MinAPIVersion,
          Os: 'linux',
          Arch: 'amd64',
        },
      },
    ],
    Version: ENGINE_VERSION.Version,
    ApiVersion: ENGINE_VERSION.ApiVersion,
    MinAPIVersion: ENGINE_VERSION.MinAPIVersion,
    GitCommit: 'de5c9cf',
    GoVersion: 'go1.21.11',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: os.release(),
    BuildTime: '2024-06-06T11:00:02.000000000+00:00',
    lab: { hostname: engine.hostname },
  };
}

export function infoBody(engine: DockerEngine) {
  return {
    ID: engine.engineId,
    ...engine.counts(),
    Driver: 'overlay2',
    DriverStatus: [['Backing Filesystem', 'extfs']],
    Plugins: {
      Volume: ['local'],
      Network: ['bridge', 'host', 'macvlan', 'null', 'overlay'],
      Log: ['json-file', 'local'],
    },
    MemoryLimit: true,
    SwapLimit: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    NCPU: engine.ncpu,
    MemTotal: engine.memTotal,
    Name: engine.hostname,
    ServerVersion: ENGINE_VERSION.Version,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    OSType: 'linux',
    OSVersion: '12',
    Architecture: 'x86_64',
    KernelVersion: os.release(),
    DockerRootDir: '/var/lib/docker',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: '2',
    LoggingDriver: 'json-file',
    SystemTime: rfc3339Nano(new Date()),
    Swarm: { LocalNodeState: 'inactive' },
    SecurityOptions: ['name=seccomp,profile=builtin', 'name=cgroupns'],
    Warnings: null,
  };
}
