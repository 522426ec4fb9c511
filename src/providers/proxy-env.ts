/**
 * Proxy settings as curl reads them, from the environment object we are handed: which proxy a URL
 * goes through and the credentials inside proxy URLs. Apart from transport.ts so that the secret
 * masking every command starts with does not load the HTTP stack.
 */

/** Proxy settings read from the environment object we are handed (never process.env directly). */
export interface ProxySettings {
  /** Proxy for http:// URLs: `http_proxy`, `HTTP_PROXY`, then `all_proxy` / `ALL_PROXY`. */
  http: string | null;
  /** Proxy for https:// URLs: `https_proxy`, `HTTPS_PROXY`, then `all_proxy` / `ALL_PROXY` (never HTTP_PROXY, as in curl). */
  https: string | null;
  /** Hosts reached directly: `no_proxy` / `NO_PROXY` (comma-separated; `*` for all, `.example.com` or `example.com` for a domain and its subdomains, `host:port`). */
  noProxy: string | null;
}

/** The lowercase name wins, as in curl; an empty value counts as unset. */
function pick(env: Record<string, string | undefined>, ...names: string[]): string | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return null;
}

export function proxySettings(env: Record<string, string | undefined>): ProxySettings {
  const all = pick(env, 'all_proxy', 'ALL_PROXY');
  return {
    http: pick(env, 'http_proxy', 'HTTP_PROXY') ?? all,
    https: pick(env, 'https_proxy', 'HTTPS_PROXY') ?? all,
    noProxy: pick(env, 'no_proxy', 'NO_PROXY'),
  };
}

/** Whether NO_PROXY sends `url` direct, by the rules undici applies (exact host, domain suffix, `*`, `host:port`). */
function bypasses(url: URL, noProxy: string | null): boolean {
  if (!noProxy) return false;
  if (noProxy === '*') return true;
  const host = url.hostname.toLowerCase();
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return noProxy.split(/[,\s]/).some((entry) => {
    if (!entry) return false;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed ? parsed[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    if (parsed && Number(parsed[2]) !== port) return false;
    return host === name || host.endsWith(`.${name}`);
  });
}

/** The proxy a request to `baseUrl` goes through (credentials kept), or null for a direct connection. */
export function proxyFor(baseUrl: string, settings: ProxySettings): string | null {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null;
  }
  const proxy = url.protocol === 'https:' ? settings.https : settings.http;
  return proxy && !bypasses(url, settings.noProxy) ? proxy : null;
}

/** A proxy URL fit for a message: no credentials. */
export function publicProxy(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.origin === 'null' ? parsed.href : parsed.origin;
  } catch {
    return '(unparseable proxy URL)';
  }
}

/** Credentials inside proxy URLs (`http://user:secret@proxy:3128`), to be scrubbed from everything written. */
export function proxySecrets(env: Record<string, string | undefined>): string[] {
  const { http, https } = proxySettings(env);
  const out = new Set<string>();
  for (const url of [http, https]) {
    if (!url) continue;
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password) out.add(password);
    } catch {
      // An unparseable proxy URL fails at the first request with its own message.
    }
  }
  return [...out];
}
