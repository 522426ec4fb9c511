// A local server speaking the OpenAI Chat Completions and Anthropic Messages wire protocols,
// so the real SDKs can be tested (and benchmarked) without a network. Plain ESM on purpose:
// scripts and benchmarks import it without compiling. Types and semantics: wire-server.d.mts.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { batchRoutes } from './wire-batch.mjs';

export const FAULT_KINDS = ['429', '500', '503', '529', 'timeout', 'reset', 'truncated', 'nonjson', 'empty'];

/** Tokens the server reports for a text: ceil(characters / 4), at least 1. */
export function tokenCount(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Deterministic uniform [0, 1) from (seed, n): a stateless mulberry32 step. */
function uniform(seed, n) {
  let t = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  t = (t + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function partsText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => (typeof p === 'string' ? p : typeof p?.text === 'string' ? p.text : typeof p?.content === 'string' ? p.content : partsText(p?.content)))
    .join('');
}

/** A scripted call's arguments as JSON text; given as a string, they are sent as written (OpenAI) or as the input (Anthropic), to play a broken model. */
function argsText(call) {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
}

/** Tools as either API sent them -> `{name, description, parameters}`. */
function toolsOf(protocol, body) {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.map((t) =>
    protocol === 'openai'
      ? { name: t?.function?.name, description: t?.function?.description, parameters: t?.function?.parameters }
      : { name: t?.name, description: t?.description, parameters: t?.input_schema },
  );
}

/** `tool_choice` as either API sent it -> 'auto' | 'none' | 'required' | {name} | null. */
function toolChoiceOf(protocol, body) {
  const c = body.tool_choice;
  if (c === undefined || c === null) return null;
  if (typeof c === 'string') return c;
  if (protocol === 'openai') return c.type === 'function' ? { name: c.function?.name } : c;
  return c.type === 'tool' ? { name: c.name } : c.type === 'any' ? 'required' : c.type;
}

/** OpenAI's `response_format: {type: json_schema}` -> `{name, schema, strict}`, else null. */
function responseFormatOf(body) {
  const f = body.response_format;
  if (f?.type !== 'json_schema') return null;
  return { name: f.json_schema?.name, schema: f.json_schema?.schema, strict: f.json_schema?.strict ?? false };
}

/** The normalized view of a request that rules and reply functions see (headers and key: never stored). */
function describe(protocol, body, headers = {}) {
  const raw = Array.isArray(body.messages) ? body.messages : [];
  const system = [];
  if (protocol === 'anthropic' && body.system !== undefined) system.push(partsText(body.system));
  const messages = [];
  for (const m of raw) {
    const content = partsText(m?.content);
    if (m?.role === 'system' || m?.role === 'developer') system.push(content);
    else messages.push({ role: m?.role, content });
  }
  const texts = [...system, ...messages.map((m) => m.content)];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return {
    protocol,
    model: typeof body.model === 'string' ? body.model : '',
    system: system.join('\n'),
    messages,
    text: texts.join('\n'),
    inputChars: texts.reduce((n, t) => n + t.length, 0),
    lastUser: lastUser?.content ?? '',
    tools: toolsOf(protocol, body),
    toolChoice: toolChoiceOf(protocol, body),
    responseFormat: protocol === 'openai' ? responseFormatOf(body) : null,
    body,
    headers,
    apiKey: (protocol === 'anthropic' ? headers['x-api-key'] : undefined) ?? (headers.authorization ?? '').replace(/^Bearer\s+/i, ''),
  };
}

function matches(match, text) {
  if (match instanceof RegExp) {
    match.lastIndex = 0;
    return match.test(text);
  }
  return text.includes(String(match));
}

function errorBody(protocol, _status, type, message) {
  if (protocol === 'anthropic') return { type: 'error', error: { type, message } };
  return { error: { message, type, param: null, code: type === 'authentication_error' ? 'invalid_api_key' : null } };
}

const FAULT_ERRORS = {
  429: { openai: 'rate_limit_exceeded', anthropic: 'rate_limit_error', message: 'Rate limit reached for requests (test server).' },
  500: { openai: 'server_error', anthropic: 'api_error', message: 'Internal server error (test server).' },
  503: { openai: 'server_error', anthropic: 'api_error', message: 'The server is overloaded or not ready yet (test server).' },
  529: { openai: 'overloaded_error', anthropic: 'overloaded_error', message: 'Overloaded (test server).' },
};

function normalizeOptions(options) {
  return {
    rules: [],
    defaultReply: undefined,
    latencyMs: 0,
    jitterMs: 0,
    faults: undefined,
    failFirst: undefined,
    apiKey: undefined,
    retryAfterMs: 1,
    shape: undefined,
    redirectOrigin: undefined,
    tls: undefined,
    recordHeaders: undefined,
    batch: undefined,
    ...options,
  };
}

export async function startWireServer(options = {}) {
  let opts = normalizeOptions(options);
  const requests = [];
  const bodyAttempts = new Map();
  let seq = 0;
  const pending = new Set();
  const counts = { total: 0, openai: 0, anthropic: 0, faults: 0, byKind: {}, connections: 0, redirects: 0, batchLines: 0, inFlight: 0, peakInFlight: 0 };
  let url = '';

  function send(res, status, body, headers = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function pickFault(rule, attempt, n) {
    if (opts.failFirst && attempt <= opts.failFirst.count) return opts.failFirst.kind;
    if (rule?.fault) return rule.fault;
    const f = opts.faults;
    if (f && f.rate > 0 && f.kinds?.length && uniform(f.seed ?? 1, 2 * n) < f.rate) {
      return f.kinds[Math.floor(uniform(f.seed ?? 1, 2 * n + 1) * f.kinds.length)];
    }
    return null;
  }

  function sendFault(res, protocol, kind, model) {
    const known = FAULT_ERRORS[kind];
    if (known) {
      const headers = {};
      if (opts.retryAfterMs != null) {
        headers['retry-after-ms'] = String(opts.retryAfterMs);
        headers['retry-after'] = String(Math.floor(opts.retryAfterMs / 1000));
      }
      return send(res, Number(kind), errorBody(protocol, Number(kind), known[protocol], known.message), headers);
    }
    if (kind === 'timeout') return; // never answer: the client's timeout fires
    if (kind === 'reset') return res.socket?.destroy();
    if (kind === 'truncated') {
      const full = JSON.stringify(successBody(protocol, model, 'truncated reply', { input: 1, output: 1 }, null));
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(full.slice(0, Math.floor(full.length / 2)));
    }
    if (kind === 'nonjson') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    }
    if (kind === 'empty') return send(res, 200, successBody(protocol, model, '', { input: 1, output: 0 }, null, true));
    return send(res, 500, errorBody(protocol, 500, 'api_error', `unknown fault kind ${kind}`));
  }

  function successBody(protocol, model, reply, usage, tool, empty = false, shape = undefined, raw = reply, calls = []) {
    const id = Math.random().toString(36).slice(2, 14);
    const refused = shape === 'refusal';
    const cut = shape === 'length';
    if (protocol === 'openai') {
      const content =
        refused || cut ? null : shape === 'parts' ? [{ type: 'thinking', thinking: [{ type: 'text', text: 'hidden reasoning' }] }, ...splitParts(reply)] : raw;
      const message = { role: 'assistant', content: calls.length > 0 && content === '' ? null : content, refusal: refused ? reply : null };
      if (calls.length > 0)
        message.tool_calls = calls.map((c, i) => ({ id: `call_${id}_${i}`, type: 'function', function: { name: c.name, arguments: argsText(c) } }));
      const finish = cut ? 'length' : calls.length > 0 ? 'tool_calls' : 'stop';
      const body = {
        id: `chatcmpl-${id}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
      };
      if (shape === 'no-usage') body.usage = null;
      return body;
    }
    const blocks =
      shape === 'parts' ? [{ type: 'thinking', thinking: 'hidden reasoning', signature: 'sig' }, ...splitParts(reply)] : [{ type: 'text', text: raw }];
    const uses = calls.map((c, i) => ({ type: 'tool_use', id: `toolu_${id}_${i}`, name: c.name, input: c.arguments ?? {} }));
    const content =
      empty || refused || cut
        ? []
        : tool
          ? [{ type: 'tool_use', id: `toolu_${id}`, name: tool.name, input: tool.input }]
          : [...(calls.length > 0 && raw === '' ? [] : blocks), ...uses];
    const body = {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: refused ? 'refusal' : cut ? 'max_tokens' : (tool || uses.length > 0) && !empty ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      ...(refused ? { stop_details: { type: 'refusal', category: 'general_harms', explanation: reply } } : {}),
      usage: { input_tokens: usage.input, output_tokens: usage.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    if (shape === 'no-usage') delete body.usage;
    return body;
  }

  /** The reply as two text parts (split in the middle), as servers that send content parts do. */
  function splitParts(reply) {
    const half = Math.floor(reply.length / 2);
    return [
      { type: 'text', text: reply.slice(0, half) },
      { type: 'text', text: reply.slice(half) },
    ];
  }

  /** Anthropic's forced tool: answer with a tool_use block when the reply parses as JSON. */
  function forcedTool(body, reply) {
    const choice = body.tool_choice;
    if (!Array.isArray(body.tools) || choice?.type !== 'tool' || typeof choice.name !== 'string') return null;
    try {
      return { name: choice.name, input: JSON.parse(reply) };
    } catch {
      return null;
    }
  }

  /** The scripted answer to one request, as `{status, json}`: what a synchronous call gets, and what a batch line holds. */
  function replyFor(protocol, body, view, rule) {
    if (rule?.error) {
      const message = typeof rule.error.message === 'function' ? String(rule.error.message(view)) : String(rule.error.message);
      const type = rule.error.status === 401 ? 'authentication_error' : 'invalid_request_error';
      return { status: rule.error.status, json: errorBody(protocol, rule.error.status, type, message) };
    }
    const source = rule ? rule.reply : opts.defaultReply;
    let reply;
    let calls;
    try {
      calls = typeof rule?.toolCalls === 'function' ? rule.toolCalls(view) : (rule?.toolCalls ?? []);
      // A rule that scripts tool calls answers with no text unless it gives a reply too.
      const fallback = calls.length > 0 ? '' : `echo: ${view.lastUser}`;
      reply = source === undefined ? fallback : typeof source === 'function' ? String(source(view)) : String(source);
    } catch (err) {
      return { status: 500, json: errorBody(protocol, 500, 'api_error', `reply function threw: ${err?.message ?? err}`) };
    }
    const callText = calls.map((c) => `${c.name}${argsText(c)}`).join('');
    const usage = rule?.usage ?? { input: Math.max(1, Math.ceil(view.inputChars / 4)), output: tokenCount(reply + callText) };
    const shape = rule?.shape ?? opts.shape;
    const tool = protocol === 'anthropic' && !shape && calls.length === 0 ? forcedTool(body, reply) : null;
    return { status: 200, json: successBody(protocol, view.model, reply, usage, tool, false, shape, rule && 'content' in rule ? rule.content : reply, calls) };
  }

  /** One batch line: answered like a synchronous call (no faults, no latency), logged with its batch. */
  /** A request as the log keeps it; receivedAt is performance.now() here when its body had arrived (the bench's time to first request). */
  function logEntry(protocol, path, body, view, attempt) {
    const { system, messages, tools, toolChoice, responseFormat } = view;
    return { protocol, path, body, system, messages, tools, toolChoice, responseFormat, attempt, fault: null, status: 200, receivedAt: performance.now() };
  }

  function answerLine(protocol, body, batchId, customId) {
    const view = describe(protocol, body, {});
    const rule = (opts.rules ?? []).find((r) => matches(r.match, view.text));
    const path = protocol === 'openai' ? '/v1/batches' : '/v1/messages/batches';
    const entry = { ...logEntry(protocol, path, body, view, 1), batch: batchId, customId };
    requests.push(entry);
    counts.batchLines++;
    const fault = rule?.fault && FAULT_ERRORS[rule.fault] ? rule.fault : null;
    const out = fault
      ? { status: Number(fault), json: errorBody(protocol, Number(fault), FAULT_ERRORS[fault][protocol], FAULT_ERRORS[fault].message) }
      : replyFor(protocol, body, view, rule);
    entry.status = out.status;
    return out;
  }

  const batch = batchRoutes({
    answer: answerLine,
    matchesLine: (protocol, body, match) => matches(match, describe(protocol, body).text),
    options: () => opts,
    origin: () => url,
    send,
    errorBody,
  });

  function handle(req, res, raw) {
    const [path, query = ''] = (req.url ?? '').split('?');
    if (/^\/v1\/(files|batches|messages\/batches)(\/|$)/.test(path) && opts.apiKey !== undefined) {
      const protocol = path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const given = protocol === 'anthropic' ? (req.headers['x-api-key'] ?? bearer) : bearer;
      if (given !== opts.apiKey) return send(res, 401, errorBody(protocol, 401, 'authentication_error', 'invalid key (batch route)'));
    }
    if (batch.handle(req, res, path, raw, new URLSearchParams(query))) return;
    const redirect = /^\/redirect\/(30[1278])(\/.*)$/.exec(path);
    if (redirect) {
      counts.redirects++;
      res.writeHead(Number(redirect[1]), { location: `${opts.redirectOrigin ?? ''}${redirect[2]}`, 'content-length': 0 });
      return res.end();
    }
    const protocol = path === '/v1/chat/completions' || path === '/chat/completions' ? 'openai' : path === '/v1/messages' ? 'anthropic' : null;
    if (req.method !== 'POST' || !protocol) {
      return send(res, 404, errorBody(protocol ?? 'openai', 404, 'not_found_error', `no route for ${req.method} ${path}`));
    }
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, errorBody(protocol, 400, 'invalid_request_error', 'request body is not valid JSON'));
    }
    const n = seq++;
    const attempt = (bodyAttempts.get(raw) ?? 0) + 1;
    bodyAttempts.set(raw, attempt);
    const view = describe(protocol, body, req.headers);
    const entry = logEntry(protocol, path, body, view, attempt);
    if (opts.recordHeaders) entry.headers = Object.fromEntries(opts.recordHeaders.map((name) => [name, req.headers[name.toLowerCase()] ?? null]));
    requests.push(entry);
    counts.total++;
    counts[protocol]++;

    if (opts.apiKey !== undefined) {
      // Anthropic's SDK (1.x) sends its key as a Bearer token; older clients use x-api-key.
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const given = protocol === 'anthropic' ? (req.headers['x-api-key'] ?? bearer) : bearer;
      if (given !== opts.apiKey) {
        entry.status = 401;
        const msg = protocol === 'openai' ? 'Incorrect API key provided.' : 'invalid x-api-key';
        return send(res, 401, errorBody(protocol, 401, protocol === 'openai' ? 'invalid_request_error' : 'authentication_error', msg));
      }
    }

    const rule = (opts.rules ?? []).find((r) => matches(r.match, view.text));
    const fault = pickFault(rule, attempt, n);
    const latency = (rule?.latencyMs ?? opts.latencyMs ?? 0) + (opts.jitterMs ? uniform(opts.faults?.seed ?? 1, -n - 1) * opts.jitterMs : 0);

    if (fault) {
      entry.fault = fault;
      entry.status = FAULT_ERRORS[fault] ? Number(fault) : 200;
      counts.faults++;
      counts.byKind[fault] = (counts.byKind[fault] ?? 0) + 1;
    }

    const answer = () => {
      if (res.destroyed) return;
      if (fault) return sendFault(res, protocol, fault, view.model);
      const out = replyFor(protocol, body, view, rule);
      entry.status = out.status;
      send(res, out.status, out.json);
    };
    if (latency > 0) {
      const timer = setTimeout(() => {
        pending.delete(timer);
        answer();
      }, latency);
      pending.add(timer);
    } else answer();
  }

  const onRequest = (req, res) => {
    // Open from the first byte until the reply is written or the connection drops (the client's concurrency, as the server sees it).
    counts.inFlight++;
    counts.peakInFlight = Math.max(counts.peakInFlight, counts.inFlight);
    res.once('close', () => counts.inFlight--);
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const server = opts.tls ? https.createServer(opts.tls, onRequest) : http.createServer(onRequest);
  server.on('connection', () => counts.connections++);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    batches: () => batch.list(),
    stats: () => ({ ...counts, byKind: { ...counts.byKind } }),
    reset() {
      requests.length = 0;
      bodyAttempts.clear();
      seq = 0;
      batch.reset();
      Object.assign(counts, {
        total: 0,
        openai: 0,
        anthropic: 0,
        faults: 0,
        byKind: {},
        connections: 0,
        redirects: 0,
        batchLines: 0,
        peakInFlight: counts.inFlight,
      });
    },
    setOptions(partial) {
      opts = { ...opts, ...partial };
    },
    close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Rules from JSON: `match` strings written as "/.../" become regexes. */
export function parseRules(json) {
  const list = Array.isArray(json) ? json : (json?.rules ?? []);
  return list.map((r) => {
    const m = r.match;
    if (typeof m === 'string' && m.length >= 2 && m.startsWith('/') && m.endsWith('/')) return { ...r, match: new RegExp(m.slice(1, -1)) };
    return r;
  });
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port') out.port = Number(value);
    else if (flag === '--latency') out.latencyMs = Number(value);
    else if (flag === '--jitter') out.jitterMs = Number(value);
    else if (flag === '--fault-rate') out.faults = { ...out.faults, rate: Number(value) };
    else if (flag === '--fault-kinds') out.faults = { ...out.faults, kinds: value.split(',').map((k) => k.trim()) };
    else if (flag === '--fault-seed') out.faults = { ...out.faults, seed: Number(value) };
    else if (flag === '--fail-first') {
      const [count, kind] = value.split(':');
      out.failFirst = { count: Number(count), kind };
    } else if (flag === '--retry-after-ms') out.retryAfterMs = Number(value);
    else if (flag === '--rules') {
      const json = JSON.parse(readFileSync(value, 'utf8'));
      out.rules = parseRules(json);
      if (!Array.isArray(json) && json.defaultReply !== undefined) out.defaultReply = json.defaultReply;
    } else throw new Error(`unknown flag ${flag}`);
    i++;
  }
  if (out.faults) out.faults = { rate: 0, kinds: FAULT_KINDS, seed: 1, ...out.faults };
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startWireServer(parseArgs(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify({ url: server.url, openaiBaseUrl: server.openaiBaseUrl, anthropicBaseUrl: server.anthropicBaseUrl })}\n`);
  const stop = () => server.close().then(() => (process.exitCode = 0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
