import {
  AndFilter,
  Entry,
  EqualityFilter,
  ExtensibleFilter,
  Filter,
  NotFilter,
  OrFilter,
  PresenceFilter,
} from 'ldapts';
import { LDAP_MATCHING_RULE_IN_CHAIN } from '../filters';
import { LdapSearch, LdapSession, LdapSessionRunner } from '../session';

type Attrs = Record<string, string[]>;

/**
 * An in-memory directory that answers like Active Directory where it matters to us: the
 * LDAP_MATCHING_RULE_IN_CHAIN extensible match, paged results, and ranged retrieval of `member`
 * (MaxValRange). Used only where no real AD can run: everything else is tested against OpenLDAP.
 */
export class FakeActiveDirectory {
  readonly entries = new Map<string, Attrs>();
  /** Page sizes requested by paged searches, and the size of every page returned. */
  readonly pageRequests: number[] = [];
  readonly pagesReturned: number[] = [];
  /** The attribute lists of base-scope searches, to observe range requests. */
  readonly baseRequests: string[][] = [];

  constructor(readonly maxValRange = 1500) {}

  add(dn: string, attrs: Record<string, string | string[]>): void {
    const normalised: Attrs = {};
    for (const [k, v] of Object.entries(attrs))
      normalised[k] = Array.isArray(v) ? v : [v];
    this.entries.set(dn.toLowerCase(), { dn: [dn], ...normalised });
  }

  runner(): LdapSessionRunner {
    return async fn => fn(this.session());
  }

  session(): LdapSession {
    return {
      search: async (base, options) => {
        if (options.scope === 'base')
          this.baseRequests.push(options.attributes);
        return this.find(base, options).map(e =>
          this.project(e, options.attributes),
        );
      },
      searchPaged: (base, options, pageSize) =>
        this.paged(base, options, pageSize),
    };
  }

  private async *paged(
    base: string,
    options: LdapSearch,
    pageSize: number,
  ): AsyncIterable<Entry[]> {
    this.pageRequests.push(pageSize);
    const all = this.find(base, options).map(e =>
      this.project(e, options.attributes),
    );
    for (let i = 0; i === 0 || i < all.length; i += pageSize) {
      const page = all.slice(i, i + pageSize);
      this.pagesReturned.push(page.length);
      yield page;
    }
  }

  private find(base: string, options: LdapSearch): Attrs[] {
    const b = base.toLowerCase();
    return [...this.entries.entries()]
      .filter(([dn]) =>
        options.scope === 'base' ? dn === b : dn === b || dn.endsWith(`,${b}`),
      )
      .map(([, e]) => e)
      .filter(e => this.matches(options.filter, e));
  }

  private get(e: Attrs, attribute: string): string[] {
    const key = Object.keys(e).find(
      k => k.toLowerCase() === attribute.toLowerCase(),
    );
    return key ? e[key] : [];
  }

  private matches(f: Filter, e: Attrs): boolean {
    if (f instanceof AndFilter) return f.filters.every(x => this.matches(x, e));
    if (f instanceof OrFilter) return f.filters.some(x => this.matches(x, e));
    if (f instanceof NotFilter) return !this.matches(f.filter, e);
    if (f instanceof PresenceFilter) return this.get(e, f.attribute).length > 0;
    if (f instanceof EqualityFilter) {
      const v = String(f.value).toLowerCase();
      return this.get(e, f.attribute).some(x => x.toLowerCase() === v);
    }
    if (
      f instanceof ExtensibleFilter &&
      f.rule === LDAP_MATCHING_RULE_IN_CHAIN
    ) {
      const target = f.value.toLowerCase();
      const dn = e.dn[0].toLowerCase();
      if (f.matchType.toLowerCase() === 'memberof')
        return this.isNestedMember(dn, target);
      if (f.matchType.toLowerCase() === 'member')
        return this.isNestedMember(target, dn);
    }
    throw new Error(`fake AD cannot evaluate ${f.toString()}`);
  }

  /** Whether `memberDn` is in `groupDn`, directly or through nested groups (cycle-safe). */
  private isNestedMember(
    memberDn: string,
    groupDn: string,
    seen = new Set<string>(),
  ): boolean {
    if (seen.has(groupDn)) return false;
    seen.add(groupDn);
    const group = this.entries.get(groupDn);
    if (!group) return false;
    return this.get(group, 'member').some(m => {
      const lower = m.toLowerCase();
      return lower === memberDn || this.isNestedMember(memberDn, lower, seen);
    });
  }

  /** Returns the requested attributes; `member` beyond MaxValRange comes back ranged, like AD. */
  private project(e: Attrs, attributes: string[]): Entry {
    const out: Entry = { dn: e.dn[0] };
    for (const requested of attributes) {
      const [name, option] = requested.split(';');
      const values = this.get(e, name);
      if (values.length === 0) continue;
      const range = option && /^range=(\d+)-(\d+|\*)$/i.exec(option);
      if (!range && values.length <= this.maxValRange) {
        out[name] = values.length === 1 ? values[0] : values;
        continue;
      }
      const start = range ? Number(range[1]) : 0;
      const end = Math.min(start + this.maxValRange, values.length) - 1;
      const last = end === values.length - 1;
      out[`${name};range=${start}-${last ? '*' : end}`] = values.slice(
        start,
        end + 1,
      );
    }
    return out;
  }
}
