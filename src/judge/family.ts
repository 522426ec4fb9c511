/**
 * The model family a model name belongs to, for the self-preference probe: LLM judges favour
 * answers of their own family (Panickssery et al. 2024; Zheng et al. 2023 on MT-Bench). Read from
 * the model name (its last path segment, so gateway names such as `openai/gpt-4o` or
 * `meta-llama/Llama-3.1-8B` work); the provider type says nothing (any server speaks OpenAI's API).
 */
const FAMILIES: Array<[RegExp, string]> = [
  [/^(gpt|o\d|chatgpt|davinci|text-)/i, 'openai'],
  [/claude/i, 'anthropic'],
  [/gemini|gemma|palm|bison/i, 'google'],
  [/llama/i, 'meta'],
  [/mistral|mixtral|codestral|ministral|magistral|pixtral/i, 'mistral'],
  [/qwen|qwq/i, 'qwen'],
  [/deepseek/i, 'deepseek'],
  [/grok/i, 'xai'],
  [/^(command|aya)/i, 'cohere'],
  [/^phi-?\d/i, 'microsoft'],
];

/** The family of a model name, or null when the name matches none known. */
export function modelFamily(model: string): string | null {
  const name = model.split('/').pop() ?? model;
  return FAMILIES.find(([re]) => re.test(name))?.[1] ?? null;
}
