import { assertLabelKey, assertLabelValue } from './dockerValues';

/** Docker `label` filter values from `{key: value}` (key=value) or `{key: true}` (key present). */
export function labelFilter(
  labels: Record<string, string | true> | undefined,
): string[] {
  return Object.entries(labels ?? {}).map(([k, v]) => {
    assertLabelKey(k, `labels.${k}`);
    if (v === true) return k;
    return `${k}=${assertLabelValue(v, `labels.${k}`)}`;
  });
}
