import { PresenceFilter } from 'ldapts';
import { attributeValues, findRange } from './attributes';
import { LdapSession } from './session';

/** Upper bound on range requests: 1000 x 1500 values is far beyond any real group. */
const MAX_RANGE_ROUNDS = 1000;

/**
 * Reads every value of a multi-valued attribute of one entry. Active Directory caps a single
 * answer (MaxValRange, 1500 by default) and returns `member;range=0-1499` instead of `member`;
 * the rest is fetched with `member;range=1500-*` until a chunk ends in `*`. Servers that do not
 * range (OpenLDAP) answer the first request with the plain attribute.
 */
export async function readAllValues(
  session: LdapSession,
  dn: string,
  attribute: string,
): Promise<string[]> {
  const values: string[] = [];
  let requested = attribute;
  for (let round = 0; round < MAX_RANGE_ROUNDS; round++) {
    const [entry] = await session.search(dn, {
      scope: 'base',
      filter: new PresenceFilter({ attribute: 'objectClass' }),
      attributes: [requested],
    });
    if (!entry) return values;
    const ranged = findRange(entry, attribute);
    if (!ranged) {
      return round === 0 ? attributeValues(entry, attribute) : values;
    }
    if (ranged.range.start !== values.length) {
      throw new Error(
        `unexpected range ${ranged.key} after ${values.length} values of ${attribute}`,
      );
    }
    values.push(...attributeValues(entry, ranged.key));
    if (ranged.range.end === '*') return values;
    requested = `${attribute};range=${ranged.range.end + 1}-*`;
  }
  throw new Error(`more than ${MAX_RANGE_ROUNDS} ranges of ${attribute}`);
}
