/**
 * Anthropic Messages over the official `@anthropic-ai/sdk`. Retries, backoff and timeouts are the
 * SDK's; this file maps our request in (system prompt apart, structured reply as a forced tool)
 * and its reply out.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Completion, CompletionRequest, ModelClient, ProviderSpec } from '../types.js';
import { countingFetch } from './attempts.js';
import type { AdapterConfig } from './registry.js';
import { badResponse, sdkCall } from './translate.js';

const OFFICIAL_BASE_URL = 'https://api.anthropic.com';

/** The Messages API requires max_tokens; this is what we send when the task sets none. */
export const DEFAULT_MAX_TOKENS = 1024;

/**
 * The request body for one call. Params pass through as written, except: `max_tokens` defaults to
 * 1024; the common `stop` becomes `stop_sequences`; `seed` is dropped (the API has none and would
 * reject the request).
 */
export function buildAnthropicBody(spec: ProviderSpec, request: CompletionRequest): Record<string, unknown> {
  const { stop, seed: _seed, ...params } = { ...spec.params, ...request.params };
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const body: Record<string, unknown> = {
    ...params,
    model: spec.model,
    max_tokens: params.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
  };
  if (stop !== undefined && body.stop_sequences === undefined) body.stop_sequences = stop;
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.structured) {
    const { name, description, schema } = request.structured;
    body.tools = [{ name, description, input_schema: schema }];
    body.tool_choice = { type: 'tool', name };
  }
  return body;
}

export function createAnthropicClient(spec: ProviderSpec, config: AdapterConfig): ModelClient {
  const counting = countingFetch(config.fetch);
  const baseURL = config.baseUrl ?? OFFICIAL_BASE_URL;
  const errors = { providerId: spec.id, keyEnv: config.keyEnv, secret: config.apiKey, timeoutMs: config.timeoutMs, baseUrl: baseURL };
  // Every option that the SDK would otherwise take from process.env is given explicitly.
  const sdk = new Anthropic({
    apiKey: config.apiKey,
    authToken: null,
    webhookKey: null,
    baseURL,
    timeout: config.timeoutMs,
    maxRetries: config.maxRetries,
    fetch: counting.fetch,
    logLevel: config.logLevel,
    ...(config.logger ? { logger: config.logger } : {}),
  });

  async function complete(request: CompletionRequest): Promise<Completion> {
    const body = buildAnthropicBody(spec, request);
    const { reply: res, attempts } = await sdkCall(counting, Anthropic, errors, () =>
      sdk.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal: request.signal }),
    );
    const reply = res as Partial<Anthropic.Message> | string | null | undefined;
    if (!reply || typeof reply !== 'object' || !Array.isArray(reply.content)) {
      const got = typeof reply === 'string' ? `non-JSON body "${reply.slice(0, 60)}"` : 'no content';
      throw badResponse(spec.id, `not a Messages API reply (${got})`, attempts);
    }
    const text = reply.content
      .filter((b): b is Anthropic.TextBlock => b.type === 'text' && typeof b.text === 'string') // a number is no text
      .map((b) => b.text)
      .join('');
    const tool = request.structured
      ? reply.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === request.structured?.name)
      : undefined;
    const toolInput: unknown = tool?.input;
    if (!text && toolInput === undefined) {
      throw badResponse(spec.id, `empty completion, stop_reason=${reply.stop_reason ?? 'none'}`, attempts);
    }
    const u = reply.usage;
    const cacheRead = u?.cache_read_input_tokens ?? 0;
    const cacheWrite = u?.cache_creation_input_tokens ?? 0;
    const usage = u
      ? {
          inputTokens: u.input_tokens + cacheRead + cacheWrite,
          outputTokens: u.output_tokens,
          ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
          ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
        }
      : null;
    return {
      text: text || JSON.stringify(toolInput),
      usage,
      attempts,
      ...(toolInput !== undefined ? { toolInput } : {}),
    };
  }

  return { spec, baseUrl: baseURL, complete };
}
