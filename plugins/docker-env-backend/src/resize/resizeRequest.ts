import { InputError } from '@backstage/errors';
import {
  type Environment,
  type EnvironmentResources,
  type EnvironmentSize,
  RESOURCE_LIMITS,
  SIZE_PRESETS,
  type SizePresetName,
} from '@docker-env/plugin-docker-env-common';

/** The fields of `PATCH /environments/{name}` that resize. */
export const RESIZE_FIELDS = [
  'size',
  'cpuCores',
  'memoryMb',
  'diskGb',
] as const;

/** What a resize asks for: the resources and the size label they carry. */
export interface ResizeTarget extends EnvironmentResources {
  size: EnvironmentSize;
}

const RESOURCE_KEYS = ['cpuCores', 'memoryMb', 'diskGb'] as const;

/** The preset whose resources are exactly `r`, else `custom`. */
function sizeOf(r: EnvironmentResources): EnvironmentSize {
  const preset = (Object.keys(SIZE_PRESETS) as SizePresetName[]).find(p =>
    RESOURCE_KEYS.every(k => SIZE_PRESETS[p][k] === r[k]),
  );
  return preset ?? 'custom';
}

/**
 * The resources a resize body asks for, checked: `size` (S, M, L) or any of `cpuCores`, `memoryMb`, `diskGb` (the
 * others kept), whole numbers within {@link RESOURCE_LIMITS}, a disk that only grows, and some change.
 */
export function validResize(
  body: Record<string, unknown>,
  current: Environment,
): ResizeTarget {
  const given = RESOURCE_KEYS.filter(k => body[k] !== undefined);
  let target: EnvironmentResources;
  if (body.size !== undefined) {
    if (given.length)
      throw new InputError(
        `size: give a size or ${given.join(', ')}, not both`,
      );
    const preset = SIZE_PRESETS[body.size as SizePresetName];
    if (!preset || !Object.hasOwn(SIZE_PRESETS, String(body.size)))
      throw new InputError(
        `size: must be one of ${Object.keys(SIZE_PRESETS).join(', ')}`,
      );
    target = { ...preset };
  } else {
    target = {
      cpuCores: current.cpuCores,
      memoryMb: current.memoryMb,
      diskGb: current.diskGb,
    };
    for (const key of given) {
      const value = body[key];
      const { min, max } = RESOURCE_LIMITS[key];
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < min ||
        value > max
      )
        throw new InputError(
          `${key}: must be a whole number from ${min} to ${max}`,
        );
      target[key] = value;
    }
  }
  if (target.diskGb < current.diskGb)
    throw new InputError(
      `diskGb: a disk only grows; it has ${current.diskGb} GiB, ${target.diskGb} asked`,
    );
  if (RESOURCE_KEYS.every(k => target[k] === current[k]))
    throw new InputError(
      `size: nothing to change; the environment has ${current.cpuCores} cores, ${current.memoryMb} MB and ${current.diskGb} GB`,
    );
  return { ...target, size: sizeOf(target) };
}
