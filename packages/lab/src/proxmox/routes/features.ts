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
