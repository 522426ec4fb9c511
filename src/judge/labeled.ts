import { renderMessages } from '../plan/plan.js';
import type { Example, Task } from '../task/types.js';
import type { LabeledItem } from './calibrate.js';
import { judgeInput } from './prompt.js';

/**
 * Every labeled output, with the input shown for it: the prompt variant that produced it when the
 * label says (random labels do), else the first, rendered for its example.
 */
export function labeledItems(task: Task): LabeledItem[] {
  const userText = (promptId: string | undefined, example: Example) => {
    const prompt = task.prompts.find((p) => p.id === promptId) ?? task.prompts[0]!;
    return judgeInput(renderMessages(prompt, example.vars));
  };
  return task.examples.flatMap((example) => example.labels.map((label) => ({ example, label, input: userText(label.sample?.prompt, example) })));
}
