import { Entry } from 'ldapts';

/**
 * ldapts returns an attribute as a string when it has one value and as an array when it has
 * several, keyed as the server spelled it. These helpers hide both differences.
 */
export function attributeValues(entry: Entry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn' || key.toLowerCase() !== wanted) continue;
    return toStrings(raw);
  }
  return [];
}

/** The first value, or undefined when absent or empty. */
export function firstValue(
  entry: Entry,
  attribute: string,
): string | undefined {
  return attributeValues(entry, attribute).find(v => v !== '');
}

function toStrings(raw: Entry[string]): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map(v => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/** A ranged attribute description as AD returns it: `member;range=0-1499` or `member;range=1500-*`. */
export interface AttributeRange {
  start: number;
  /** Last index returned, or '*' when this chunk is the final one. */
  end: number | '*';
}

/** Finds `<attribute>;range=<start>-<end>` among an entry's keys. */
export function findRange(
  entry: Entry,
  attribute: string,
): { key: string; range: AttributeRange } | undefined {
  const prefix = `${attribute.toLowerCase()};range=`;
  for (const key of Object.keys(entry)) {
    const lower = key.toLowerCase();
    if (!lower.startsWith(prefix)) continue;
    const match = /^(\d+)-(\d+|\*)$/.exec(lower.slice(prefix.length));
    if (!match) continue;
    const end = match[2] === '*' ? '*' : Number(match[2]);
    return { key, range: { start: Number(match[1]), end } };
  }
  return undefined;
}

/** Strips the optional `#'0101'B` unique identifier from a uniqueMember value (RFC 4517 NameAndOptionalUID). */
export function stripOptionalUid(value: string): string {
  return value.replace(/#'[01]*'B$/, '');
}
