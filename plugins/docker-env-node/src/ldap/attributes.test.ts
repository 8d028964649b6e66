import {
  attributeValues,
  findRange,
  firstValue,
  stripOptionalUid,
} from './attributes';

describe('attribute normalisation', () => {
  const entry = {
    dn: 'uid=a,dc=x',
    CN: ['First', 'Second'],
    mail: 'a@x.test',
    photo: Buffer.from('bytes'),
    empty: '',
  };

  it('returns arrays for single and multi-valued attributes, case-insensitively', () => {
    expect(attributeValues(entry, 'cn')).toEqual(['First', 'Second']);
    expect(attributeValues(entry, 'MAIL')).toEqual(['a@x.test']);
    expect(attributeValues(entry, 'photo')).toEqual(['bytes']);
    expect(attributeValues(entry, 'missing')).toEqual([]);
  });

  it('picks the first non-empty value', () => {
    expect(firstValue(entry, 'cn')).toBe('First');
    expect(firstValue(entry, 'empty')).toBeUndefined();
  });

  it('parses AD range options', () => {
    expect(findRange({ dn: 'x', 'member;range=0-1499': [] }, 'member')).toEqual(
      {
        key: 'member;range=0-1499',
        range: { start: 0, end: 1499 },
      },
    );
    expect(
      findRange({ dn: 'x', 'Member;Range=1500-*': [] }, 'member')?.range,
    ).toEqual({ start: 1500, end: '*' });
    expect(findRange({ dn: 'x', member: [] }, 'member')).toBeUndefined();
  });

  it('strips the optional uid of uniqueMember values', () => {
    expect(stripOptionalUid("uid=a,dc=x#'0101'B")).toBe('uid=a,dc=x');
    expect(stripOptionalUid('uid=a#b,dc=x')).toBe('uid=a#b,dc=x');
  });
});
