import type { CompletionRequest } from '../providers/types.js';
import { renderTemplate } from '../task/template.js';
import type { Example, Message, PromptVariant, ProviderSpec, Task } from '../task/types.js';

/** One call to make: a prompt variant, rendered for one example, sent to one provider. */
export interface PlannedCall {
  prompt: PromptVariant;
  provider: ProviderSpec;
  example: Example;
  repeat: number;
  messages: Message[];
}

/** The variant's messages (its transcript, or `system` then `user`) with every template rendered. */
export function renderMessages(prompt: PromptVariant, vars: Record<string, string>): Message[] {
  if (prompt.messages) return prompt.messages.map((m) => ({ role: m.role, content: renderTemplate(m.content, vars) }));
  const messages: Message[] = [];
  if (prompt.system !== undefined) messages.push({ role: 'system', content: renderTemplate(prompt.system, vars) });
  messages.push({ role: 'user', content: renderTemplate(prompt.user, vars) });
  return messages;
}

/**
 * The request of one planned call: its messages, the provider's params, and what its prompt asks
 * besides (tools, tool choice, a structured reply). Every step that makes, replays or checks a
 * model call builds it here, so the cache key is the same everywhere.
 */
export function modelRequest(call: PlannedCall): CompletionRequest {
  const { tools, toolChoice, responseFormat } = call.prompt;
  return {
    messages: call.messages,
    params: call.provider.params,
    ...(tools ? { tools } : {}),
    ...(toolChoice ? { toolChoice } : {}),
    ...(responseFormat
      ? { structured: { name: responseFormat.name, description: STRUCTURED_DESCRIPTION, schema: responseFormat.schema, strict: responseFormat.strict } }
      : {}),
  };
}

/** What the forced tool of a structured reply says to the model (Anthropic); OpenAI shows it as the schema's description. */
const STRUCTURED_DESCRIPTION = 'Reply with this structured response.';

/**
 * Every (prompt, provider, example, repeat) call, in a stable order: prompt, then provider,
 * then example, then repeat. The order is part of the contract: shards and record rows follow it.
 */
export function planCalls(task: Task): PlannedCall[] {
  const calls: PlannedCall[] = [];
  for (const prompt of task.prompts) {
    const rendered = task.examples.map((example) => renderMessages(prompt, example.vars));
    for (const provider of task.providers) {
      task.examples.forEach((example, i) => {
        for (let repeat = 0; repeat < task.settings.repeat; repeat++) {
          calls.push({ prompt, provider, example, repeat, messages: rendered[i]! });
        }
      });
    }
  }
  return calls;
}
