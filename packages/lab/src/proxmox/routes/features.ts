import { PveError } from '../pveHttp';

/** Parses `keyctl=1,nesting=1` into a map. */
export function parseFeatures(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of String(value ?? '')
    .split(',')
    .filter(Boolean)) {
    const [k, v] = part.split('=');
    out[k] = v ?? '';
  }
  return out;
}

/**
 * PVE::LXC::check_ct_modify_config_perm for `features`: only root@pam may change any flag other
 * than nesting (API tokens never can, whatever their privileges).
 */
export function checkFeaturesPermission(
  oldValue: unknown,
  newValue: unknown,
  isRoot: boolean,
): void {
  if (isRoot) return;
  const before = parseFeatures(oldValue);
  const after = parseFeatures(newValue);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const otherChanged = [...keys].some(
    k => k !== 'nesting' && before[k] !== after[k],
  );
  if (otherChanged) {
    throw PveError.perm(
      'changing feature flags (except nesting) is only allowed for root@pam',
    );
  }
}
