/** Lifecycle status of a Docker environment. */
export type EnvironmentStatus =
  | 'requested'
  | 'pending-approval'
  | 'provisioning'
  | 'ready'
  | 'failed'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'deleting'
  | 'deleted'
  | 'rejected';

/** Resources of an environment: CPU cores, memory in MiB and disk in GiB. */
export interface EnvironmentResources {
  cpuCores: number;
  memoryMb: number;
  diskGb: number;
}

/** The named size presets offered by the Create wizard. */
export type SizePresetName = 'S' | 'M' | 'L';

/** Default resources of each size preset. */
export const SIZE_PRESETS: Record<SizePresetName, EnvironmentResources> = {
  S: { cpuCores: 1, memoryMb: 2048, diskGb: 16 },
  M: { cpuCores: 2, memoryMb: 4096, diskGb: 32 },
  L: { cpuCores: 4, memoryMb: 8192, diskGb: 64 },
};

/** Bounds a custom size must stay within. */
export const RESOURCE_LIMITS: Record<
  keyof EnvironmentResources,
  { min: number; max: number }
> = {
  cpuCores: { min: 1, max: 16 },
  memoryMb: { min: 512, max: 65536 },
  diskGb: { min: 8, max: 512 },
};

/** Annotation carried by every environment entity in the catalog. */
export const DOCKER_ENV_ANNOTATION = 'docker-env.io/environment';
