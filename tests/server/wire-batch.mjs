// The batch endpoints of the wire server: OpenAI Files + Batch API and Anthropic Message Batches.
// Each line is answered by the same scripted logic as a synchronous call (wire-server.mjs hands it
// in as `answer`). Types and semantics: wire-server.d.mts (WireBatchOptions, WireBatch).

/** A multipart/form-data body -> {name: {filename?, value}}; enough for the SDK's file uploads. */
function parseMultipart(contentType, raw) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!m) return null;
  const boundary = `--${m[1] ?? m[2]}`;
  const fields = {};
  for (const part of raw.split(boundary).slice(1)) {
    if (part.startsWith('--')) break;
    const sep = part.indexOf('\r\n\r\n');
    if (sep < 0) continue;
    const head = part.slice(0, sep);
    const value = part.slice(sep + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    if (name) fields[name] = { value, ...(filename === undefined ? {} : { filename }) };
  }
  return fields;
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The batch routes. `answer(protocol, body)` answers one line as a synchronous call would
 * (`{status, json}`) and logs it; `options()` is the server's current options; `origin()` its URL.
 */
export function batchRoutes({ answer, matchesLine, options, origin, send, errorBody }) {
  const files = new Map();
  const batches = new Map();
  let n = 0;
  const nextId = (prefix) => `${prefix}${String(++n).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
  const conf = () => ({ polls: 1, expire: undefined, ...(typeof options().batch === 'object' ? options().batch : {}) });
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const iso = (seconds) => new Date(seconds * 1000).toISOString();

  /** Lines whose text matches `expire` (true: all) are not run before the window closes. */
  const expires = (protocol, body) => {
    const e = conf().expire;
    return e === true || (e !== undefined && e !== false && matchesLine(protocol, body, e));
  };

  /** Runs every line of a batch that is still waiting: answered, expired or (when cancelled) cancelled. */
  function finish(batch, cancelled) {
    batch.results = batch.lines.map((line) => {
      if (cancelled) return { customId: line.customId, kind: 'cancelled' };
      if (expires(batch.protocol, line.body)) return { customId: line.customId, kind: 'expired' };
      const out = answer(batch.protocol, line.body, batch.id, line.customId);
      return { customId: line.customId, kind: out.status === 200 ? 'succeeded' : 'errored', ...out };
    });
    batch.endedAt = nowSeconds();
    batch.state = cancelled ? 'cancelled' : batch.results.some((r) => r.kind === 'expired') ? 'expired' : 'completed';
    if (batch.protocol === 'openai') writeOpenAIFiles(batch);
  }

  function writeOpenAIFiles(batch) {
    const ok = [];
    const bad = [];
    for (const r of batch.results) {
      const id = nextId('batch_req_');
      if (r.kind === 'succeeded') ok.push({ id, custom_id: r.customId, response: { status_code: 200, request_id: id, body: r.json }, error: null });
      else if (r.kind === 'errored') bad.push({ id, custom_id: r.customId, response: { status_code: r.status, request_id: id, body: r.json }, error: null });
      else {
        const code = r.kind === 'expired' ? 'batch_expired' : 'batch_cancelled';
        const message =
          r.kind === 'expired'
            ? 'This request could not be executed before the completion window expired.'
            : 'This request was cancelled before it was executed.';
        bad.push({ id, custom_id: r.customId, response: null, error: { code, message } });
      }
    }
    const put = (lines) => {
      if (lines.length === 0) return undefined;
      const file = {
        id: nextId('file-'),
        purpose: 'batch_output',
        filename: 'batch_output.jsonl',
        createdAt: nowSeconds(),
        content: lines.map((l) => `${JSON.stringify(l)}\n`).join(''),
      };
      files.set(file.id, file);
      return file.id;
    };
    batch.outputFileId = put(ok);
    batch.errorFileId = put(bad);
  }

  /** A retrieve: after `polls` retrieves the batch is done. */
  function poll(batch) {
    batch.polls++;
    if (batch.state === 'running' && batch.polls >= conf().polls) finish(batch, false);
  }

  const count = (batch, kind) => (batch.results ?? []).filter((r) => r.kind === kind).length;

  function openAIView(batch) {
    const done = batch.state !== 'running' && batch.state !== 'failed';
    const status = batch.state === 'running' ? (batch.polls === 0 ? 'validating' : 'in_progress') : batch.state;
    return {
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      errors: batch.errors ?? null,
      input_file_id: batch.inputFileId,
      completion_window: '24h',
      status,
      output_file_id: batch.outputFileId ?? null,
      error_file_id: batch.errorFileId ?? null,
      created_at: batch.createdAt,
      in_progress_at: batch.polls > 0 ? batch.createdAt : null,
      expires_at: batch.createdAt + 86400,
      finalizing_at: done ? batch.endedAt : null,
      completed_at: batch.state === 'completed' ? batch.endedAt : null,
      failed_at: batch.state === 'failed' ? batch.createdAt : null,
      expired_at: batch.state === 'expired' ? batch.endedAt : null,
      cancelling_at: batch.state === 'cancelled' ? batch.endedAt : null,
      cancelled_at: batch.state === 'cancelled' ? batch.endedAt : null,
      request_counts: {
        total: batch.lines.length,
        completed: count(batch, 'succeeded'),
        failed: batch.lines.length > 0 && done ? batch.lines.length - count(batch, 'succeeded') : 0,
      },
      metadata: batch.metadata ?? null,
    };
  }

  function anthropicView(batch) {
    const ended = batch.state !== 'running';
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : 'in_progress',
      request_counts: {
        processing: ended ? 0 : batch.lines.length,
        succeeded: count(batch, 'succeeded'),
        errored: count(batch, 'errored'),
        canceled: count(batch, 'cancelled'),
        expired: count(batch, 'expired'),
      },
      ended_at: ended ? iso(batch.endedAt) : null,
      created_at: iso(batch.createdAt),
      expires_at: iso(batch.createdAt + 86400),
      archived_at: null,
      cancel_initiated_at: batch.state === 'cancelled' ? iso(batch.endedAt) : null,
      results_url: ended ? `${origin()}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  function anthropicResults(batch) {
    return batch.results
      .map((r) => {
        const result =
          r.kind === 'succeeded'
            ? { type: 'succeeded', message: r.json }
            : r.kind === 'errored'
              ? { type: 'errored', error: r.json }
              : { type: r.kind === 'cancelled' ? 'canceled' : 'expired' };
        return `${JSON.stringify({ custom_id: r.customId, result })}\n`;
      })
      .join('');
  }

  /** A page of a list, newest first, as both APIs list. */
  function page(all, query, afterKey) {
    const limit = Math.max(1, Math.min(100, Number(query.get('limit') ?? 20)));
    const after = query.get(afterKey);
    const start = after ? all.findIndex((b) => b.id === after) + 1 : 0;
    const data = all.slice(start, start + limit);
    return { data, has_more: start + limit < all.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
  }

  const notFound = (res, protocol, what) => send(res, 404, errorBody(protocol, 404, 'not_found_error', `no such ${what}`));
  const badRequest = (res, protocol, message) => send(res, 400, errorBody(protocol, 400, 'invalid_request_error', message));

  function createOpenAI(res, body) {
    if (typeof body?.input_file_id !== 'string') return badRequest(res, 'openai', 'input_file_id is required');
    if (body.endpoint !== '/v1/chat/completions') return badRequest(res, 'openai', `endpoint ${body.endpoint} is not supported by this server`);
    if (body.completion_window !== '24h') return badRequest(res, 'openai', 'completion_window must be 24h');
    const file = files.get(body.input_file_id);
    if (file?.purpose !== 'batch') return badRequest(res, 'openai', `no batch input file ${body.input_file_id}`);
    const batch = {
      id: nextId('batch_'),
      protocol: 'openai',
      endpoint: body.endpoint,
      inputFileId: file.id,
      createdAt: nowSeconds(),
      polls: 0,
      state: 'running',
      lines: [],
      metadata: body.metadata,
    };
    // Invalid input fails the whole batch at validation, as the API does.
    const errors = [];
    const seen = new Set();
    const models = new Set();
    const texts = file.content.split('\n').filter((l) => l.trim() !== '');
    for (const [i, text] of texts.entries()) {
      const fail = (code, message) => errors.push({ code, line: i + 1, message });
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        fail('invalid_json_line', 'This line is not parseable as valid JSON.');
        continue;
      }
      if (typeof line.custom_id !== 'string' || line.custom_id === '') fail('missing_custom_id', 'custom_id is required');
      else if (seen.has(line.custom_id)) fail('duplicate_custom_id', `custom_id ${line.custom_id} is not unique`);
      else if (line.method !== 'POST' || line.url !== body.endpoint) fail('invalid_url', `url must be ${body.endpoint}, method POST`);
      else if (typeof line.body !== 'object' || line.body === null || !Array.isArray(line.body.messages))
        fail('invalid_body', 'body must be a chat completion request');
      else {
        seen.add(line.custom_id);
        models.add(line.body.model);
        batch.lines.push({ customId: line.custom_id, body: line.body });
      }
    }
    if (models.size > 1) errors.push({ code: 'mixed_models', line: null, message: 'all requests of a batch must use the same model' });
    if (batch.lines.length === 0 && errors.length === 0) errors.push({ code: 'empty_file', line: null, message: 'the input file has no requests' });
    if (errors.length > 0) {
      batch.state = 'failed';
      batch.errors = { object: 'list', data: errors.map((e) => ({ ...e, param: null })) };
      batch.lines = [];
    }
    batches.set(batch.id, batch);
    send(res, 200, openAIView(batch));
  }

  function createAnthropic(res, body) {
    if (!Array.isArray(body?.requests) || body.requests.length === 0) return badRequest(res, 'anthropic', 'requests: at least one request is required');
    const seen = new Set();
    const lines = [];
    for (const [i, r] of body.requests.entries()) {
      if (typeof r?.custom_id !== 'string' || !CUSTOM_ID.test(r.custom_id))
        return badRequest(res, 'anthropic', `requests.${i}.custom_id: must match ${CUSTOM_ID}`);
      if (seen.has(r.custom_id)) return badRequest(res, 'anthropic', `requests.${i}.custom_id: ${r.custom_id} is not unique`);
      const p = r.params;
      if (typeof p !== 'object' || p === null || typeof p.model !== 'string' || typeof p.max_tokens !== 'number' || !Array.isArray(p.messages))
        return badRequest(res, 'anthropic', `requests.${i}.params: model, max_tokens and messages are required`);
      seen.add(r.custom_id);
      lines.push({ customId: r.custom_id, body: p });
    }
    const batch = { id: nextId('msgbatch_'), protocol: 'anthropic', createdAt: nowSeconds(), polls: 0, state: 'running', lines };
    batches.set(batch.id, batch);
    send(res, 200, anthropicView(batch));
  }

  function cancel(res, batch) {
    if (batch.state === 'running') finish(batch, true);
    const view = batch.protocol === 'openai' ? openAIView(batch) : anthropicView(batch);
    // The cancel call itself answers with the batch still winding down, as the APIs do.
    if (batch.protocol === 'openai') send(res, 200, { ...view, status: 'cancelling' });
    else send(res, 200, { ...view, processing_status: 'canceling', results_url: null });
  }

  /** Answers the request when it is a batch route; false otherwise. */
  function handle(req, res, path, raw, query) {
    const isBatchRoute = /^\/v1\/(files|batches|messages\/batches)(\/|$)/.test(path);
    if (!isBatchRoute) return false;
    const protocol = path.startsWith('/v1/messages') ? 'anthropic' : 'openai';
    // A plain OpenAI-compatible server has none of these routes.
    if (options().batch === false) {
      send(res, 404, errorBody(protocol, 404, 'not_found_error', `no route for ${req.method} ${path}`));
      return true;
    }
    const json = () => {
      try {
        return JSON.parse(raw || '{}');
      } catch {
        return undefined;
      }
    };
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    const oneFile = /^\/v1\/files\/([^/]+)$/.exec(path);
    const m = /^\/v1\/(?:messages\/)?batches\/([^/]+)(\/cancel|\/results)?$/.exec(path);
    if (req.method === 'POST' && path === '/v1/files') {
      const form = parseMultipart(req.headers['content-type'], raw);
      if (!form?.file || !form.purpose) badRequest(res, 'openai', 'a multipart body with `file` and `purpose` is required');
      else {
        const file = {
          id: nextId('file-'),
          purpose: form.purpose.value,
          filename: form.file.filename ?? 'upload',
          createdAt: nowSeconds(),
          content: form.file.value,
        };
        files.set(file.id, file);
        send(res, 200, fileView(file));
      }
    } else if (req.method === 'GET' && content) {
      const file = files.get(content[1]);
      if (!file) notFound(res, 'openai', 'file');
      else {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(file.content) });
        res.end(file.content);
      }
    } else if (req.method === 'GET' && oneFile) {
      const file = files.get(oneFile[1]);
      if (!file) notFound(res, 'openai', 'file');
      else send(res, 200, fileView(file));
    } else if (req.method === 'POST' && path === '/v1/batches') createOpenAI(res, json());
    else if (req.method === 'POST' && path === '/v1/messages/batches') createAnthropic(res, json());
    else if (req.method === 'GET' && (path === '/v1/batches' || path === '/v1/messages/batches')) {
      const all = [...batches.values()].filter((b) => b.protocol === protocol).reverse();
      const view = protocol === 'openai' ? openAIView : anthropicView;
      const listed = page(all, query, protocol === 'openai' ? 'after' : 'after_id');
      send(res, 200, { ...(protocol === 'openai' ? { object: 'list' } : {}), ...listed, data: listed.data.map(view) });
    } else if (m) {
      const batch = batches.get(m[1]);
      if (!batch || batch.protocol !== protocol) notFound(res, protocol, 'batch');
      else if (req.method === 'POST' && m[2] === '/cancel') cancel(res, batch);
      else if (req.method === 'GET' && m[2] === '/results' && protocol === 'anthropic') {
        if (!batch.results) badRequest(res, 'anthropic', `batch ${batch.id} has not ended`);
        else {
          const text = anthropicResults(batch);
          res.writeHead(200, { 'content-type': 'application/binary', 'content-length': Buffer.byteLength(text) });
          res.end(text);
        }
      } else if (req.method === 'GET' && m[2] === undefined) {
        poll(batch);
        send(res, 200, protocol === 'openai' ? openAIView(batch) : anthropicView(batch));
      } else notFound(res, protocol, 'route');
    } else notFound(res, protocol, 'route');
    return true;
  }

  function fileView(file) {
    return {
      id: file.id,
      object: 'file',
      bytes: Buffer.byteLength(file.content),
      created_at: file.createdAt,
      filename: file.filename,
      purpose: file.purpose,
      status: 'processed',
      status_details: null,
    };
  }

  return {
    handle,
    /** Every batch created, in order, as tests read them. */
    list: () =>
      [...batches.values()].map((b) => ({ id: b.id, protocol: b.protocol, status: b.state, customIds: b.lines.map((l) => l.customId), polls: b.polls })),
    reset() {
      files.clear();
      batches.clear();
    },
  };
}
