/**
 * The OpenAI Batch API over the official SDK: the lines go up as a JSONL file (`files.create`,
 * purpose `batch`) of chat-completion requests with the very bodies synchronous calls send; the
 * output and error files come back through `files.content` and each reply is read by the same code
 * as a synchronous one (openai.ts).
 */
import OpenAI, { toFile } from 'openai';
import type { CountingFetch } from './attempts.js';
import { lineFailure, sdkCall, type ErrorContext } from './translate.js';
import type { BatchApi, BatchLine, BatchLineOutcome, Completion, CompletionRequest } from './types.js';

/** The API takes up to 50,000 requests (and 200 MB) per input file. */
const MAX_LINES = 50_000;
const ENDPOINT = '/v1/chat/completions';
const ENDED = new Set(['completed', 'expired', 'cancelled', 'failed']);

export interface BatchDeps<Sdk> {
  sdk: Sdk;
  counting: CountingFetch;
  errors: Omit<ErrorContext, 'attempts' | 'timing'>;
  body: (request: CompletionRequest) => Record<string, unknown>;
  read: (request: CompletionRequest, reply: unknown) => Completion;
}

/** One line's outcome: the reply read as a synchronous one (a refusal or a cut reply is its error). */
export function readLine(read: () => Completion): BatchLineOutcome {
  try {
    return { kind: 'answered', completion: read() };
  } catch (err) {
    return { kind: 'failed', error: err as Error };
  }
}

interface OutputLine {
  custom_id?: string;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

function parseJsonl(text: string): OutputLine[] {
  const out: OutputLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as OutputLine);
    } catch {
      // a line that does not parse cannot be matched to its request: that request is reported missing
    }
  }
  return out;
}

export function openAIBatch({ sdk, counting, errors, body, read }: BatchDeps<OpenAI>): BatchApi {
  const call = <T>(run: (fetchOptions: Record<symbol, unknown>) => Promise<T>) => sdkCall(counting, OpenAI, errors, run).then(({ reply }) => reply as T);
  const download = async (fileId: string) => call(async (fetchOptions) => (await sdk.files.content(fileId, { fetchOptions })).text());

  return {
    maxLines: MAX_LINES,
    async submit(lines) {
      const jsonl = lines.map((l) => `${JSON.stringify({ custom_id: l.customId, method: 'POST', url: ENDPOINT, body: body(l.request) })}\n`).join('');
      const file = await call(async (fetchOptions) =>
        sdk.files.create({ file: await toFile(Buffer.from(jsonl), 'aijourney-batch.jsonl'), purpose: 'batch' }, { fetchOptions }),
      );
      const batch = await call((fetchOptions) =>
        sdk.batches.create({ input_file_id: file.id, endpoint: ENDPOINT, completion_window: '24h', metadata: { source: 'aijourney' } }, { fetchOptions }),
      );
      return batch.id;
    },
    async status(id) {
      const b = await call((fetchOptions) => sdk.batches.retrieve(id, { fetchOptions }));
      const counts = b.request_counts ?? { total: 0, completed: 0, failed: 0 };
      return { ended: ENDED.has(b.status), status: b.status, total: counts.total, succeeded: counts.completed, failed: counts.failed };
    },
    async results(id, lines) {
      const b = await call((fetchOptions) => sdk.batches.retrieve(id, { fetchOptions }));
      const wanted = new Map<string, BatchLine>(lines.map((l) => [l.customId, l]));
      const out = new Map<string, BatchLineOutcome>();
      if (b.status === 'failed') {
        // Refused at validation: no line ran; the API's reasons are every line's error.
        const why = (b.errors?.data ?? []).map((e) => `${e.code ?? 'error'}${e.line ? ` (line ${e.line})` : ''}: ${e.message ?? ''}`).join('; ');
        const error = lineFailure(errors, 400, { error: { message: `batch ${id} failed validation: ${why || 'no reason given'}` } });
        for (const l of lines) out.set(l.customId, { kind: 'failed', error });
        return out;
      }
      const files = [b.output_file_id, b.error_file_id].filter((f): f is string => typeof f === 'string' && f !== '');
      for (const fileId of files) {
        for (const line of parseJsonl(await download(fileId))) {
          const request = line.custom_id === undefined ? undefined : wanted.get(line.custom_id);
          if (!request) continue;
          const status = line.response?.status_code;
          if (status === 200)
            out.set(
              request.customId,
              readLine(() => read(request.request, line.response?.body)),
            );
          else if (typeof status === 'number') out.set(request.customId, { kind: 'failed', error: lineFailure(errors, status, line.response?.body) });
          else if (line.error?.code === 'batch_expired') out.set(request.customId, { kind: 'expired' });
          else if (line.error?.code === 'batch_cancelled') out.set(request.customId, { kind: 'cancelled' });
          else out.set(request.customId, { kind: 'failed', error: lineFailure(errors, 500, { error: { message: line.error?.message ?? 'the line failed' } }) });
        }
      }
      // A line in neither file never ran: expired with the window, or cancelled with the batch.
      for (const l of lines) if (!out.has(l.customId)) out.set(l.customId, { kind: b.status === 'cancelled' ? 'cancelled' : 'expired' });
      return out;
    },
    async cancel(id) {
      await call((fetchOptions) => sdk.batches.cancel(id, { fetchOptions }));
    },
  };
}
