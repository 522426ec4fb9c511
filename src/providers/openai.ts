/**
 * OpenAI Chat Completions (and any OpenAI-compatible server) over the official `openai` SDK.
 * Retries, backoff and timeouts are the SDK's; this file maps our request in and its reply out.
 */
import OpenAI from 'openai';
import type { Completion, CompletionRequest, ModelClient } from './types.js';
import type { ProviderSpec } from '../task/types.js';
import type { Usage } from '../record/schema.js';
import { countingFetch } from './attempts.js';
import type { AdapterConfig } from './types.js';
import { isOfficialHost, OPENAI_OFFICIAL_URL, targetParams, type Target } from './target.js';
import { openAITools, openAIToolCalls } from './tool-calls.js';
import { badResponse, cutOff, refused, sdkCall, type CallFacts, errorContext } from './translate.js';
import { openAIBatch } from './openai-batch.js';

/**
 * The request body for one call. Params pass through as written, renamed where the target takes
 * another name (src/providers/target.ts: max_tokens is max_completion_tokens on the official API
 * and for reasoning models anywhere; compatible servers often only know max_tokens).
 */
export function buildOpenAIBody(spec: ProviderSpec, request: CompletionRequest, target: Target): Record<string, unknown> {
  const params = targetParams(target, { ...spec.params, ...request.params });
  const body: Record<string, unknown> = {
    ...params,
    model: spec.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (request.tools) Object.assign(body, openAITools(request.tools, request.toolChoice));
  if (request.structured) {
    const { name, description, schema, strict = false } = request.structured;
    body.response_format = { type: 'json_schema', json_schema: { name, description, schema, strict } };
  }
  return body;
}

/**
 * The reply's text: a string, or an array of parts (Mistral's reasoning models, some gateways),
 * whose text parts are joined; thinking and other parts are not the answer.
 */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      // Parts are objects ({type: 'text', text}); a bare string or number is not a reply shape any API sends.
      const p = part as { type?: unknown; text?: unknown } | null;
      return p && (p.type === 'text' || p.type === 'output_text' || p.type === undefined) && typeof p.text === 'string' ? p.text : '';
    })
    .join('');
}

/** Usage as reported, or null when the server reported none (cost is then unknown, never $0). */
function usageOf(u: Partial<OpenAI.CompletionUsage> | null | undefined): Usage | null {
  if (!u || typeof u.prompt_tokens !== 'number' || typeof u.completion_tokens !== 'number') return null;
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return { inputTokens: u.prompt_tokens, outputTokens: u.completion_tokens, ...(cached ? { cacheReadTokens: cached } : {}) };
}

function parseJsonObject(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function createOpenAIClient(spec: ProviderSpec, config: AdapterConfig): ModelClient {
  const counting = countingFetch(config.fetch, config.now);
  const official = isOfficialHost('openai', config.baseUrl);
  // `https://api.openai.com` written without its /v1 still means the API.
  const bareHost = official && config.baseUrl !== undefined && /^\/?$/.test(new URL(config.baseUrl).pathname);
  const baseURL = config.baseUrl === undefined || bareHost ? OPENAI_OFFICIAL_URL : config.baseUrl;
  const errors = errorContext(spec, config, baseURL);
  // Every option that the SDK would otherwise take from process.env is given explicitly.
  const sdk = new OpenAI({
    apiKey: config.apiKey,
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: counting.fetch,
    logLevel: config.logLevel,
    defaultHeaders: config.headers,
    ...(config.logger ? { logger: config.logger } : {}),
  });
  const target: Target = { type: 'openai', model: spec.model, official };

  async function complete(request: CompletionRequest): Promise<Completion> {
    const body = buildOpenAIBody(spec, request, target);
    const { reply, call } = await sdkCall(counting, OpenAI, errors, (fetchOptions) =>
      sdk.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: request.signal, fetchOptions }),
    );
    return readOpenAIReply(spec.id, request, reply, call);
  }

  const batch = openAIBatch({
    sdk,
    counting,
    errors,
    body: (request) => buildOpenAIBody(spec, request, target),
    read: (request, reply) => readOpenAIReply(spec.id, request, reply, { attempts: 1 }),
  });
  return { spec, baseUrl: baseURL, complete, batch };
}

/** A chat completion (from a synchronous call or a batch line) -> our Completion, or the ProviderError it amounts to. */
function readOpenAIReply(providerId: string, request: CompletionRequest, res: unknown, call: CallFacts): Completion {
  const reply = res as Partial<OpenAI.ChatCompletion> | string | null | undefined;
  if (!reply || typeof reply !== 'object' || !Array.isArray(reply.choices)) {
    const got = typeof reply === 'string' ? `non-JSON body "${reply.slice(0, 60)}"` : 'no choices';
    throw badResponse(providerId, `not a chat completion (${got})`, call);
  }
  const usage = usageOf(reply.usage);
  const billed = { ...call, usage };
  const choice = reply.choices[0];
  const message = choice?.message;
  const text = contentText(message?.content);
  const toolCalls = openAIToolCalls(message?.tool_calls);
  const finish = choice?.finish_reason;
  if (!text && toolCalls.length === 0) {
    // A reply with text is an answer; without, the model's refusal or the filter's is the outcome.
    if (typeof message?.refusal === 'string' && message.refusal) throw refused(providerId, message.refusal, billed);
    if (finish === 'content_filter') throw refused(providerId, "stopped by the provider's content filter (finish_reason=content_filter)", billed);
    if (finish === 'length') throw cutOff(providerId, 'finish_reason=length', billed);
    throw badResponse(providerId, `empty completion, finish_reason=${finish ?? 'none'}`, billed);
  }
  const toolInput = request.structured ? parseJsonObject(text) : undefined;
  return {
    text,
    usage,
    attempts: call.attempts,
    ...(call.timing ? { timing: call.timing } : {}),
    ...(toolInput !== undefined ? { toolInput } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}
