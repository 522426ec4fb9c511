/**
 * The one HTTP stack every SDK client uses: undici's fetch (the Node.js project's client, bundled)
 * over an `EnvHttpProxyAgent`. Proxies follow curl's variables, redirects follow the fetch
 * standard (307/308 resend method and body; the Authorization header is dropped across origins),
 * NODE_EXTRA_CA_CERTS is honoured by Node's TLS, and keep-alive connections are pooled per origin.
 */
import { performance } from 'node:perf_hooks';
// undici's parts, not its index: the index also loads every other dispatcher, the mocks, the
// caches, WebSocket and EventSource (~45 M instructions at start-up, ~8 ms) for the six we use.
// Their types are undici's own (undici-parts.d.ts).
import connect from 'undici/lib/api/api-connect.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import { fetch as undiciFetch } from 'undici/lib/web/fetch/index.js';
import { FormData } from 'undici/lib/web/fetch/formdata.js';
import { Headers } from 'undici/lib/web/fetch/headers.js';
import { Request } from 'undici/lib/web/fetch/request.js';
import { Response } from 'undici/lib/web/fetch/response.js';
import { ATTEMPT_LOG, type AttemptLog } from './attempts.js';
import { proxySettings, type ProxySettings } from './proxy-env.js';

// What undici's index does besides exporting, for the one method undici's own dispatchers call:
// ProxyAgent tunnels with `connect`. The index also gives every dispatcher request/stream/pipeline/
// upgrade, which nothing here calls (fetch dispatches directly); loading them cost ~5 ms.
Object.assign(Dispatcher.prototype, { connect });

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
  return bodyAsBytes(dispatch);
}

/**
 * A dispatcher that undici's fetch hands a request's body as its bytes. Otherwise fetch streams
 * every body to the dispatcher through a web ReadableStream and an async generator, for the fetch
 * standard's per-chunk hooks, which only undici's internal callers set; a dispatcher that says
 * `isMockActive` (undici's MockAgent, to match bodies) gets the bytes instead, as undici's own
 * `request()` API takes them, written with the headers in one go. The flag does nothing else in
 * undici's fetch. 1,000 calls take ~250 M instructions less (~4% of the per-call work);
 * tests/providers/transport.test.ts checks that the dispatcher gets the bytes. The streams fetch
 * still makes for such a body, unread, are left out of the bundle (scripts/rewrites.mjs).
 */
function bodyAsBytes(dispatch: (options: Dispatcher.DispatchOptions, handler: Handler) => boolean): Dispatcher {
  return { dispatch, isMockActive: true } as unknown as Dispatcher;
}

/**
 * Makes undici's fetch and its classes (Headers, Request, Response, FormData) the process's
 * globals, as undici's own `install()` does: for the command line, which owns its process. The SDKs
 * build every request's headers with the global `Headers` and test bodies against the global
 * `FormData`; left as Node's, the first request makes Node load its own copy of undici (~25 ms on
 * Node 20 and 24), a second HTTP stack beside the one every request goes through. Library users
 * keep their globals.
 */
export function useUndiciGlobals(): void {
  Object.assign(globalThis, { fetch: undiciFetch, Headers, Request, Response, FormData });
}

/**
 * Hands replies to the SDK one per turn of the event loop, in the order they were read.
 *
 * Handed over at once, the SDK would parse a reply, and the run would score it and send the next
 * request, before undici reads (and stamps) the other replies already due: their latency would
 * include that work. A reply is therefore handed over in a check phase, after the poll phase that
 * read everything due. One per turn, not all in one check phase: undici writes a request on a
 * reused keep-alive connection only in the check phase after the one that sent it (it first lets
 * the poll phase see a close or reset already on its way, GHSA-35p6-xmwp-9g52). Sixteen replies
 * handed over in one check phase would hold back all sixteen next requests until the sixteenth
 * was scored; handed over one per turn, with one empty turn between, each next request is written
 * before the following reply is parsed.
 */
function createHandOff(): () => Promise<void> {
  const waiting: Array<() => void> = [];
  let turning = false;
  const turn = () => {
    const next = waiting.shift();
    if (!next) {
      turning = false;
      return;
    }
    next();
    // The empty turn: the request this reply's run sends next is written before the next reply.
    setImmediate(() => setImmediate(turn));
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!turning) {
        turning = true;
        setImmediate(turn);
      }
    });
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
  const direct = bodyAsBytes((options, handler) => dispatcher.dispatch(options, handler as unknown as Dispatcher.DispatchHandler));
  const handOff = createHandOff();
  const call = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const log = (init as { [ATTEMPT_LOG]?: AttemptLog } | undefined)?.[ATTEMPT_LOG];
    const via = log ? stamping(dispatcher, log, now) : direct;
    const res = await undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...((await encodeForm(init)) as Parameters<typeof undiciFetch>[1]),
      dispatcher: via,
    });
    await handOff();
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
  const headers = new globalThis.Headers(init.headers);
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  return { ...init, headers, body: Buffer.from(await encoded.arrayBuffer()) };
}
