import { Client, Entry, Filter, NoSuchObjectError } from 'ldapts';
import { LdapTlsOptions } from './types';

/** What the directory needs from one bound LDAP connection. */
export interface LdapSession {
  /** One-shot search; a missing base returns no entries. */
  search(base: string, options: LdapSearch): Promise<Entry[]>;
  /** Paged search (RFC 2696); yields one array per page. */
  searchPaged(
    base: string,
    options: LdapSearch,
    pageSize: number,
  ): AsyncIterable<Entry[]>;
}

/** A search request. */
export interface LdapSearch {
  scope: 'base' | 'one' | 'sub';
  filter: Filter;
  attributes: string[];
}

/** Opens a bound session and runs `fn`; the connection is always unbound afterwards. */
export type LdapSessionRunner = <T>(
  fn: (session: LdapSession) => Promise<T>,
) => Promise<T>;

class ClientSession implements LdapSession {
  constructor(private readonly client: Client) {}

  async search(base: string, options: LdapSearch): Promise<Entry[]> {
    try {
      const result = await this.client.search(base, options);
      return result.searchEntries;
    } catch (e) {
      if (e instanceof NoSuchObjectError) return [];
      throw e;
    }
  }

  async *searchPaged(
    base: string,
    options: LdapSearch,
    pageSize: number,
  ): AsyncIterable<Entry[]> {
    try {
      for await (const page of this.client.searchPaginated(base, {
        ...options,
        paged: { pageSize },
      })) {
        yield page.searchEntries;
      }
    } catch (e) {
      if (e instanceof NoSuchObjectError) return;
      throw e;
    }
  }
}

/** The real runner over ldapts: one connection per operation. */
export function ldaptsSessionRunner(options: {
  url: string;
  bindDn: string;
  bindPassword: string;
  timeoutMs: number;
  tls?: LdapTlsOptions;
}): LdapSessionRunner {
  const tlsOptions = options.tls
    ? {
        ca: options.tls.ca,
        rejectUnauthorized: options.tls.rejectUnauthorized ?? true,
      }
    : undefined;
  const secureUrl = options.url.toLowerCase().startsWith('ldaps:');
  return async fn => {
    const client = new Client({
      url: options.url,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      // ldapts switches to TLS whenever tlsOptions are given, so pass them only for ldaps://
      tlsOptions: secureUrl ? tlsOptions : undefined,
    });
    try {
      if (options.tls?.startTls && !secureUrl) {
        // a copy: ldapts stores the socket in the options object it is given
        await client.startTLS({ ...tlsOptions });
      }
      await client.bind(options.bindDn, options.bindPassword);
      return await fn(new ClientSession(client));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
}
