/**
 * The one HTTP stack every SDK client uses: undici's fetch (the Node.js project's client, bundled)
 * over an `EnvHttpProxyAgent`. Proxies follow curl's variables, redirects follow the fetch
 * standard (307/308 resend method and body; the Authorization header is dropped across origins),
 * NODE_EXTRA_CA_CERTS is honoured by Node's TLS, and keep-alive connections are pooled per origin.
 */
import { performance } from 'node:perf_hooks';
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { ATTEMPT_LOG, type AttemptLog } from './attempts.js';

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

export interface Transport {
  /** Hand this to the SDKs' `fetch` option. */
  fetch: typeof fetch;
  proxy: ProxySettings;
  /** Closes pooled connections (a CLI run just exits; tests and library users may close). */
  close(): Promise<void>;
}

type Handler = Record<string, unknown> & { onConnect(...args: unknown[]): unknown; onComplete(...args: unknown[]): unknown };

/**
 * The dispatcher for one attempt: stamps on its log when undici writes the request (the first
 * hop's, when redirects follow) and when it has parsed the whole reply, synchronously in undici's
 * own callbacks. Stamped any later (when a promise resolves), the time would include whatever
 * else ran first: other calls' replies, scoring, the next requests.
 */
function stamping(base: Dispatcher, log: AttemptLog, now: () => number): Dispatcher {
  const dispatch = (options: Dispatcher.DispatchOptions, handler: Handler) => {
    const wrapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(handler)) {
      if (typeof value === 'function') wrapped[key] = (...args: unknown[]) => value.apply(handler, args);
    }
    wrapped.onConnect = (...args: unknown[]) => {
      log.sentMs ??= now();
      return handler.onConnect(...args);
    };
    wrapped.onComplete = (...args: unknown[]) => {
      log.repliedMs = now();
      return handler.onComplete(...args);
    };
    return base.dispatch(options, wrapped as unknown as Dispatcher.DispatchHandler);
  };
  return { dispatch } as unknown as Dispatcher;
}

/** `now` stamps when each request was written and its reply read (see attempts.ts); @default performance.now */
export function createTransport(env: Record<string, string | undefined>, now: () => number = () => performance.now()): Transport {
  const proxy = proxySettings(env);
  // Every value is given explicitly ('' = none), so undici never reads process.env itself.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: proxy.http ?? '',
    httpsProxy: proxy.https ?? '',
    noProxy: proxy.noProxy ?? '',
    // http:// targets go to an HTTP proxy as absolute-form requests, as curl sends them; https://
    // targets are tunnelled with CONNECT.
    proxyTunnel: false,
    // The SDKs time every request (settings.timeout_ms); undici's own 300 s limits would cut
    // longer timeouts short.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const call = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const log = (init as { [ATTEMPT_LOG]?: AttemptLog } | undefined)?.[ATTEMPT_LOG];
    const via = log ? stamping(dispatcher, log, now) : dispatcher;
    const res = await undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...((await encodeForm(init)) as Parameters<typeof undiciFetch>[1]),
      dispatcher: via,
    });
    // The SDK reads the reply after the I/O callbacks already due: replies that arrived together
    // are each stamped as undici reads them, not after the SDK has parsed the ones before.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return res;
  };
  // The SDKs build uploads (OpenAI's batch files) with the global FormData, which they check this
  // Response can read; encodeForm then hands undici the encoded bytes.
  Object.defineProperty(call, 'Response', { value: globalThis.Response });
  return {
    fetch: call as unknown as typeof fetch,
    proxy,
    close: () => dispatcher.close(),
  };
}

/**
 * A request whose body is the global FormData (an SDK's file upload) with the body encoded as
 * multipart bytes and its boundary in the content type: undici's fetch, a separate copy of the
 * one Node bundles, does not take Node's FormData class.
 */
async function encodeForm(init: RequestInit | undefined): Promise<RequestInit | undefined> {
  if (!(init?.body instanceof globalThis.FormData)) return init;
  const encoded = new globalThis.Response(init.body);
  const headers = new Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return { ...init, headers, body: Buffer.from(await encoded.arrayBuffer()) };
}
