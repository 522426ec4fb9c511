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

export function renderMessages(prompt: PromptVariant, vars: Record<string, string>): Message[] {
  const messages: Message[] = [];
  if (prompt.system !== undefined) messages.push({ role: 'system', content: renderTemplate(prompt.system, vars) });
  messages.push({ role: 'user', content: renderTemplate(prompt.user, vars) });
  return messages;
}

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
