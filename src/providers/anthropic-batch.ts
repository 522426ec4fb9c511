/**
 * Anthropic Message Batches over the official SDK (`messages.batches.*`): each request carries the
 * very body a synchronous call sends as its `params`; results stream from the batch's
 * `results_url` and each message is read by the same code as a synchronous reply (anthropic.ts).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { Anthropic as AnthropicClient } from '@anthropic-ai/sdk';
import { readLine, type BatchDeps } from './openai-batch.js';
import { lineFailure, sdkCall } from './translate.js';
import type { BatchApi, BatchLine, BatchLineOutcome } from './types.js';

/** The API takes up to 100,000 requests (and 256 MB) per batch. */
const MAX_LINES = 100_000;

/** The HTTP status each of the API's error types stands for, so a line's error reads as a synchronous call's. */
const STATUS_OF: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

export function anthropicBatch({ sdk, counting, errors, body, read }: BatchDeps<Anthropic>): BatchApi {
  const call = <T>(run: (fetchOptions: Record<symbol, unknown>) => Promise<T>) =>
    sdkCall(counting, AnthropicClient, errors, run).then(({ reply }) => reply as T);

  return {
    maxLines: MAX_LINES,
    async submit(lines) {
      const requests = lines.map((l) => ({ custom_id: l.customId, params: body(l.request) as unknown as Anthropic.MessageCreateParamsNonStreaming }));
      const batch = await call((fetchOptions) => sdk.messages.batches.create({ requests }, { fetchOptions }));
      return batch.id;
    },
    async status(id) {
      const b = await call((fetchOptions) => sdk.messages.batches.retrieve(id, {}, { fetchOptions }));
      const c = b.request_counts;
      const failed = c.errored + c.canceled + c.expired;
      return {
        ended: b.processing_status === 'ended',
        status: b.processing_status,
        total: c.processing + c.succeeded + failed,
        succeeded: c.succeeded,
        failed,
      };
    },
    async results(id, lines) {
      const wanted = new Map<string, BatchLine>(lines.map((l) => [l.customId, l]));
      const out = new Map<string, BatchLineOutcome>();
      await call(async (fetchOptions) => {
        for await (const line of await sdk.messages.batches.results(id, {}, { fetchOptions })) {
          const request = wanted.get(line.custom_id);
          if (!request) continue;
          const r = line.result;
          if (r.type === 'succeeded')
            out.set(
              request.customId,
              readLine(() => read(request.request, r.message)),
            );
          else if (r.type === 'errored') {
            const status = STATUS_OF[r.error?.error?.type ?? ''] ?? 500;
            out.set(request.customId, { kind: 'failed', error: lineFailure(errors, status, r.error) });
          } else out.set(request.customId, { kind: r.type === 'canceled' ? 'cancelled' : 'expired' });
        }
      });
      for (const l of lines) if (!out.has(l.customId)) out.set(l.customId, { kind: 'expired' });
      return out;
    },
    async cancel(id) {
      await call((fetchOptions) => sdk.messages.batches.cancel(id, {}, { fetchOptions }));
    },
  };
}
