import { InputError } from '@backstage/errors';

/**
 * A webhook target must be http(s), carry no credentials and, when an allow-list is configured,
 * name an allowed host: exact (`hooks.example.org`) or a subdomain wildcard (`*.example.org`).
 */
export function assertWebhookUrl(
  field: string,
  value: unknown,
  allowedHosts?: string[],
): URL {
  if (typeof value !== 'string' || value.length > 2048) {
    throw new InputError(`${field}: must be a URL of at most 2048 characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`${field}: must be an absolute http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`${field}: must use http or https`);
  }
  if (url.username || url.password) {
    throw new InputError(`${field}: must not contain credentials`);
  }
  if (allowedHosts && !hostAllowed(url.hostname, allowedHosts)) {
    throw new InputError(
      `${field}: host ${url.hostname} is not in the webhook allow-list`,
    );
  }
  return url;
}

function hostAllowed(hostname: string, allowed: string[]): boolean {
  const host = unbracket(hostname.toLowerCase()).replace(/\.$/, '');
  return allowed.some(entry => {
    const a = unbracket(entry.toLowerCase());
    if (a.startsWith('*.'))
      return host.endsWith(a.slice(1)) && host.length > a.length - 1;
    return host === a;
  });
}

/** `[::1]` and `::1` name the same host. */
function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
