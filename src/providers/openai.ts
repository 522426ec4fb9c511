/**
 * OpenAI Chat Completions (and any OpenAI-compatible server) over the official `openai` SDK.
 * Retries, backoff and timeouts are the SDK's; this file maps our request in and its reply out.
 */
import OpenAI from 'openai';
import type { Completion, CompletionRequest, ModelClient, ProviderSpec } from '../types.js';
import { countingFetch } from './attempts.js';
import type { AdapterConfig } from './registry.js';
import { badResponse, sdkCall } from './translate.js';

const OFFICIAL_BASE_URL = 'https://api.openai.com/v1';

/**
 * The request body for one call. Params pass through as written, except that the official API
 * gets `max_tokens` as `max_completion_tokens` (newer models reject max_tokens; compatible servers
 * often only know max_tokens).
 */
export function buildOpenAIBody(spec: ProviderSpec, request: CompletionRequest, official: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = { ...spec.params, ...request.params };
  if (official && params.max_tokens !== undefined) {
    if (params.max_completion_tokens === undefined) params.max_completion_tokens = params.max_tokens;
    delete params.max_tokens;
  }
  const body: Record<string, unknown> = {
    ...params,
    model: spec.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (request.structured) {
    const { name, description, schema } = request.structured;
    body.response_format = { type: 'json_schema', json_schema: { name, description, schema, strict: false } };
  }
  return body;
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
  const counting = countingFetch(config.fetch);
  const baseURL = config.baseUrl ?? OFFICIAL_BASE_URL;
  const errors = { providerId: spec.id, keyEnv: config.keyEnv, secret: config.apiKey, timeoutMs: config.timeoutMs, baseUrl: baseURL };
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
    ...(config.logger ? { logger: config.logger } : {}),
  });
  const official = config.baseUrl === undefined;

  async function complete(request: CompletionRequest): Promise<Completion> {
    const body = buildOpenAIBody(spec, request, official);
    const { reply: res, attempts } = await sdkCall(counting, OpenAI, errors, () =>
      sdk.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: request.signal }),
    );
    const reply = res as Partial<OpenAI.ChatCompletion> | string | null | undefined;
    if (!reply || typeof reply !== 'object' || !Array.isArray(reply.choices)) {
      const got = typeof reply === 'string' ? `non-JSON body "${reply.slice(0, 60)}"` : 'no choices';
      throw badResponse(spec.id, `not a chat completion (${got})`, attempts);
    }
    const choice = reply.choices[0];
    const message = choice?.message;
    const text = message?.content ?? message?.refusal ?? '';
    const toolInput = request.structured && text ? parseJsonObject(text) : undefined;
    if (!text) throw badResponse(spec.id, `empty completion, finish_reason=${choice?.finish_reason ?? 'none'}`, attempts);
    const cached = reply.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    const usage = reply.usage
      ? { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens, ...(cached ? { cacheReadTokens: cached } : {}) }
      : null;
    return { text, usage, attempts, ...(toolInput !== undefined ? { toolInput } : {}) };
  }

  return { spec, baseUrl: baseURL, complete };
}
