import { createInterface } from 'node:readline';

export type Decision = 'pass' | 'fail' | 'skip' | 'quit';

export interface Answer {
  decision: Decision;
  /** The rest of the line after the decision word, trimmed; '' when none. */
  critique: string;
}

const WORDS: Record<string, Decision> = { pass: 'pass', p: 'pass', fail: 'fail', f: 'fail', skip: 'skip', s: 'skip', quit: 'quit', q: 'quit' };

/** `fail wrong urgency` -> {fail, "wrong urgency"}; null when the first word is not an answer. */
export function parseAnswer(line: string): Answer | null {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(line);
  if (!match) return null;
  const decision = WORDS[match[1]!.toLowerCase().replace(/[.,:;!]$/, '')];
  return decision ? { decision, critique: match[2]!.trim() } : null;
}

/** Reads lines one at a time; null at end of input (EOF, or Ctrl-C/Ctrl-D on a terminal). */
export interface LineReader {
  /** Shows `prompt` (terminal only) and waits for the next line. */
  next(prompt: string): Promise<string | null>;
  close(): void;
}

/**
 * A line reader over stdin. On a terminal it prints prompts and treats Ctrl-C as end of input
 * (so quitting is always clean); piped, it reads one line per answer and prints no prompts.
 */
export function lineReader(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, terminal: boolean): LineReader {
  const rl = createInterface({ input, output: terminal ? output : undefined, terminal });
  const queued: string[] = [];
  let waiting: ((line: string | null) => void) | null = null;
  let closed = false;
  rl.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(line);
    } else queued.push(line);
  });
  rl.on('close', () => {
    closed = true;
    waiting?.(null);
    waiting = null;
  });
  rl.on('SIGINT', () => rl.close());
  return {
    next(prompt) {
      if (queued.length > 0) return Promise.resolve(queued.shift()!);
      if (closed) return Promise.resolve(null);
      if (terminal) {
        rl.setPrompt(prompt);
        rl.prompt();
      }
      return new Promise((resolve) => (waiting = resolve));
    },
    close: () => rl.close(),
  };
}
