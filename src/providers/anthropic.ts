/**
 * Anthropic Messages over the official `@anthropic-ai/sdk`. Retries, backoff and timeouts are the
 * SDK's; this file maps our request in (system prompt apart, structured reply as a forced tool)
 * and its reply out: text, a refusal with its reason, or a reply cut at the token limit.
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Completion, CompletionRequest, ModelClient } from './types.js';
import type { ProviderSpec } from '../task/types.js';
import type { Usage } from '../record/schema.js';
import { countingFetch } from './attempts.js';
import { endOfLife } from './deprecations.js';
import type { AdapterConfig } from './types.js';
import { ANTHROPIC_OFFICIAL_URL, isOfficialHost, targetParams, type Target } from './target.js';
import { anthropicToolChoice, anthropicTools, readToolCall } from './tool-calls.js';
import { badResponse, cutOff, quietSdk, refused, sdkCall, type CallFacts, errorContext } from './translate.js';
import { anthropicBatch } from './anthropic-batch.js';

/** The Messages API requires max_tokens; this is what we send when the task sets none. */
export const DEFAULT_MAX_TOKENS = 1024;

/**
 * The request body for one call. Params pass through as written (validation has refused those
 * this API version does not take, src/providers/target.ts), except: `max_tokens` defaults to
 * 1024, and the common `stop` is sent as `stop_sequences`.
 */
export function buildAnthropicBody(spec: ProviderSpec, request: CompletionRequest, target: Target): Record<string, unknown> {
  const params = targetParams(target, { ...spec.params, ...request.params });
  const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const body: Record<string, unknown> = {
    ...params,
    model: spec.model,
    max_tokens: params.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages: request.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role, content: m.content })),
  };
  if (system.length > 0) body.system = system.join('\n\n');
  const tools = request.tools ? anthropicTools(request.tools) : [];
  if (request.toolChoice) body.tool_choice = anthropicToolChoice(request.toolChoice);
  if (request.structured) {
    // Anthropic's structured reply: a tool the model is made to call, whose input is the object.
    const { name, description, schema } = request.structured;
    tools.push({ name, description, input_schema: schema });
    body.tool_choice = { type: 'tool', name };
  }
  if (tools.length > 0) body.tools = tools;
  return body;
}

/** Usage as reported (input includes prompt-cache reads and writes), or null when the server reported none. */
function usageOf(u: Partial<Anthropic.Usage> | null | undefined): Usage | null {
  if (!u || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return null;
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: u.input_tokens + cacheRead + cacheWrite,
    outputTokens: u.output_tokens,
    ...(cacheRead ? { cacheReadTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
  };
}

/** The provider's reason for a refusal: its explanation, else its category, else what the model said. */
function refusalReason(reply: Partial<Anthropic.Message>, text: string): string {
  const details = reply.stop_details;
  if (details?.explanation) return details.explanation;
  if (details?.category) return `policy category ${details.category}`;
  return text.trim() || 'stop_reason=refusal, no explanation given';
}

export function createAnthropicClient(spec: ProviderSpec, config: AdapterConfig): ModelClient {
  const counting = countingFetch(config.fetch, config.now);
  const baseURL = config.baseUrl ?? ANTHROPIC_OFFICIAL_URL;
  const errors = errorContext(spec, config, baseURL);
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
    defaultHeaders: config.headers,
    ...(config.logger ? { logger: config.logger } : {}),
  });
  const target: Target = { type: 'anthropic', model: spec.model, official: isOfficialHost('anthropic', config.baseUrl) };
  // The SDK warns on every call to a deprecated model; validation already said so once (deprecations.ts).
  const warned = new Set<string>();
  const alreadySaid = (message: string) => endOfLife('anthropic', spec.model) !== null && message.startsWith(`The model '${spec.model}' is deprecated`);

  async function complete(request: CompletionRequest): Promise<Completion> {
    const body = buildAnthropicBody(spec, request, target);
    const { reply, call } = await sdkCall(counting, Anthropic, errors, (fetchOptions) =>
      quietSdk(warned, config.warn, alreadySaid, () =>
        sdk.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { signal: request.signal, fetchOptions }),
      ),
    );
    return readAnthropicReply(spec.id, request, reply, call);
  }

  const batch = anthropicBatch({
    sdk,
    counting,
    errors,
    body: (request) => buildAnthropicBody(spec, request, target),
    read: (request, reply) => readAnthropicReply(spec.id, request, reply, { attempts: 1 }),
  });
  return { spec, baseUrl: baseURL, complete, batch };
}

/** A Messages API reply (from a synchronous call or a batch line) -> our Completion, or the ProviderError it amounts to. */
function readAnthropicReply(providerId: string, request: CompletionRequest, res: unknown, call: CallFacts): Completion {
  const reply = res as Partial<Anthropic.Message> | string | null | undefined;
  if (!reply || typeof reply !== 'object' || !Array.isArray(reply.content)) {
    const got = typeof reply === 'string' ? `non-JSON body "${reply.slice(0, 60)}"` : 'no content';
    throw badResponse(providerId, `not a Messages API reply (${got})`, call);
  }
  const usage = usageOf(reply.usage);
  const billed = { ...call, usage };
  const text = reply.content
    .filter((b): b is Anthropic.TextBlock => b.type === 'text' && typeof b.text === 'string') // a number is no text
    .map((b) => b.text)
    .join('');
  if (reply.stop_reason === 'refusal') throw refused(providerId, refusalReason(reply, text), billed);
  const tool = request.structured
    ? reply.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === request.structured?.name)
    : undefined;
  const toolInput: unknown = tool?.input;
  const toolCalls = reply.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b !== tool).map((b) => readToolCall(b.name, b.input));
  if (!text && toolInput === undefined && toolCalls.length === 0) {
    if (reply.stop_reason === 'max_tokens') throw cutOff(providerId, 'stop_reason=max_tokens', billed);
    throw badResponse(providerId, `empty completion, stop_reason=${reply.stop_reason ?? 'none'}`, billed);
  }
  return {
    text: text || (toolInput === undefined ? '' : JSON.stringify(toolInput)),
    usage,
    attempts: call.attempts,
    ...(call.timing ? { timing: call.timing } : {}),
    ...(toolInput !== undefined ? { toolInput } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
  };
}
