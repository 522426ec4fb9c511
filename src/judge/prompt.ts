import type { Message, Verdict } from '../task/types.js';

/** What the judge grades: the input the model saw, the reference answer, and the output. */
export interface JudgeSubject {
  input: string;
  expected?: string;
  output: string;
}

/** A human-graded output shown to the judge as a worked example. */
export interface FewShot {
  input: string;
  expected?: string;
  output: string;
  verdict: Verdict;
  critique?: string;
}

/**
 * The input the judge is shown for the messages a model was sent: the user's text for a single
 * turn (as it always was), the whole conversation with its roles for a transcript. System messages
 * are instructions to the model, not its input.
 */
export function judgeInput(messages: Message[]): string {
  const turns = messages.filter((m) => m.role !== 'system');
  if (turns.length === 1) return turns[0]!.content;
  return turns.map((m) => `${m.role}: ${m.content}`).join('\n\n');
}

export const VERDICT_SCHEMA = {
  type: 'object',
  properties: {
    verdict: { type: 'string', enum: ['pass', 'fail'] },
    reason: { type: 'string', description: 'One sentence explaining the verdict.' },
  },
  required: ['verdict', 'reason'],
  additionalProperties: false,
} as const;

const SYSTEM = [
  'You are a strict, impartial grader of AI outputs.',
  'Grade the output against the rubric. Use the reference answer when one is given.',
  'Reply with JSON only: {"verdict": "pass" or "fail", "reason": "<one sentence>"}.',
].join(' ');

function block(tag: string, text: string): string {
  return `<${tag}>\n${text}\n</${tag}>`;
}

function subjectBlocks(s: { input: string; expected?: string; output: string }, outputTag: string): string[] {
  const parts = [block('input', s.input)];
  if (s.expected !== undefined) parts.push(block('reference_answer', s.expected));
  parts.push(block(outputTag, s.output));
  return parts;
}

/**
 * The judge's messages. The graded output sits in `<output_to_grade>`; few-shot outputs sit in
 * `<output>` inside `<graded_example>`, so a grader (or a test server) can tell them apart.
 */
export function judgeMessages(rubric: string, subject: JudgeSubject, fewShot: FewShot[] = []): Message[] {
  const parts = [block('rubric', rubric)];
  if (fewShot.length > 0) {
    const shots = fewShot.map((shot) => {
      const verdict = `verdict: ${shot.verdict}${shot.critique ? `\ncritique: ${shot.critique}` : ''}`;
      return block('graded_example', [...subjectBlocks(shot, 'output'), verdict].join('\n'));
    });
    parts.push(`Examples graded by a human expert; grade the same way:\n${shots.join('\n')}`);
  }
  parts.push(...subjectBlocks(subject, 'output_to_grade'));
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export interface ParsedVerdict {
  verdict: Verdict;
  reason: string;
}

const FENCE = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

/**
 * Reads a verdict from a tool call's input or the reply text (JSON, possibly fenced or surrounded
 * by prose). Returns null when no verdict can be read: the caller counts that as a FAIL.
 */
export function parseVerdict(reply: { text: string; toolInput?: unknown }): ParsedVerdict | null {
  const fromObject = (value: unknown): ParsedVerdict | null => {
    if (typeof value !== 'object' || value === null) return null;
    const { verdict, reason } = value as Record<string, unknown>;
    if (typeof verdict !== 'string') return null;
    const v = verdict.trim().toLowerCase();
    if (v !== 'pass' && v !== 'fail') return null;
    return { verdict: v, reason: typeof reason === 'string' ? reason.trim() : '' };
  };
  const fromTool = fromObject(reply.toolInput);
  if (fromTool) return fromTool;

  const text = reply.text.trim();
  const unfenced = FENCE.exec(text)?.[1] ?? text;
  const candidates = [unfenced];
  const start = unfenced.indexOf('{');
  const end = unfenced.lastIndexOf('}');
  if (start >= 0 && end > start) candidates.push(unfenced.slice(start, end + 1));
  for (const candidate of candidates) {
    try {
      const parsed = fromObject(JSON.parse(candidate));
      if (parsed) return parsed;
    } catch {
      // not JSON: try the next reading
    }
  }
  return null;
}
