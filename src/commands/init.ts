import { writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { stringify } from 'yaml';
import { write, type Io } from '../io.js';
import { EXIT, UsageError } from '../errors.js';
import { PROVIDER_TYPES, PROVIDERS as TABLE } from '../providers/table.js';

/** What `init` asks on a terminal; every field has a default so a script gets a working file. */
export interface StarterAnswers {
  /** Task name (slug); from the file name by default. */
  name: string;
  /** One line: what the model should do. Empty: a sentiment-classification example task. */
  description: string;
  /** Models under test, `<provider>:<model>`. */
  providers: string[];
}

/** Cheap defaults per provider, and a stronger sibling as the judge (the providers table's `starter`). */
const PROVIDERS = PROVIDER_TYPES.map((type) => ({
  env: TABLE[type].keyEnv,
  model: `${type}:${TABLE[type].starter.model}`,
  judge: `${type}:${TABLE[type].starter.judge}`,
}));

const SENTIMENT_EXAMPLES = [
  ['Arrived a day early and works perfectly. Would buy again.', 'positive'],
  ['The strap broke after two days and support never answered.', 'negative'],
  ['It is a phone case. It fits the phone.', 'neutral'],
  ['Great sound, but the battery barely lasts an hour.', 'mixed'],
  ['Absolutely love it, my kids use it every day!', 'positive'],
] as const;

/** `triage` -> `triage.yaml`; a name with .yaml/.yml is taken as the file name. */
export function starterFile(name: string | undefined): string {
  if (!name) return 'task.yaml';
  return ['.yaml', '.yml'].includes(extname(name).toLowerCase()) ? name : `${name}.yaml`;
}

/** A task name the schema accepts, from a file name. */
export function slug(file: string): string {
  const s = basename(file, extname(file))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return s || 'my-task';
}

/** Providers whose API key is set in `env`; the OpenAI default when none is. */
export function availableProviders(env: Record<string, string | undefined>): string[] {
  const found = PROVIDERS.filter((p) => env[p.env]).map((p) => p.model);
  return found.length > 0 ? found : [PROVIDERS[0]!.model];
}

const q = (value: string) => stringify(value, { lineWidth: 0 }).trimEnd();

/** The commented starter task: valid as written, with the next steps in its header. */
export function starterTask(answers: StarterAnswers, file: string): string {
  const custom = answers.description.trim() !== '';
  const description = custom ? answers.description.trim() : 'Classify the sentiment of a product review.';
  const judge = PROVIDERS.find((p) => p.model === answers.providers[0])?.judge ?? answers.providers[0]!;
  const lines = [
    `# ${description}`,
    '# Next steps:',
    `#   1. Put about five real inputs under examples (and the answer you expect, when there is one).`,
    `#   2. aijourney validate ${file}    # checks this file; calls nothing`,
    `#   3. aijourney eval ${file}        # runs every prompt on every provider: quality, cost, latency`,
    `#   4. aijourney label ${file}       # pass/fail the outputs; your labels calibrate the judge`,
    `#   5. aijourney eval ${file}        # again: a calibrated judge, corrected quality, a recommendation`,
    `name: ${answers.name}`,
    `description: ${q(description)}`,
    '',
    'prompts:                     # one or more variants to compare; {{input}} comes from each example',
    '  - id: v1',
    `    system: ${q(custom ? description : 'You classify the sentiment of product reviews.')}`,
    '    user: |',
    ...(custom
      ? ['      {{input}}']
      : ['      Classify the sentiment of this review as positive, negative, neutral or mixed.', '      Answer with one word.', '      Review: {{input}}']),
    '',
    'providers:                   # the models under test, `<provider>:<model>`; see `aijourney models`',
    ...answers.providers.map((p) => `  - ${p}`),
    '  # Any OpenAI-compatible server works too, e.g. a local Ollama:',
    '  # - { id: llama-local, type: openai, base_url: "http://localhost:11434/v1", model: llama3.2 }',
    '',
    'examples:                    # about five; `aijourney label` adds your verdicts under `labels`',
    ...(custom
      ? [1, 2, 3].flatMap((n) => [
          `  - vars: { input: ${JSON.stringify(`Replace me: example input ${n}`)} }`,
          '    # expected: the answer you want, if there is one',
        ])
      : SENTIMENT_EXAMPLES.flatMap(([text, label]) => [`  - vars: { input: ${JSON.stringify(text)} }`, `    expected: ${label}`])),
    '',
    ...(custom
      ? ['checks: []                   # deterministic checks, e.g. - { type: regex, pattern: "^(yes|no)$" }']
      : ['checks:                      # deterministic, on every output', '  - type: equals             # against `expected`, trimmed, case-insensitive']),
    '',
    'judge:                       # an LLM grades what passed the checks; label outputs to calibrate it',
    `  model: ${judge}`,
    `  rubric: ${q(custom ? `Pass if the output does what was asked (${description}) correctly and completely.` : 'Pass if the answer names the same sentiment as the reference and nothing else.')}`,
    '',
    'gates:                       # CI thresholds (exit 1 when broken); the recommendation uses min_quality',
    '  min_quality: 0.8',
    '  max_cost_usd: 0.10',
    '',
    'settings: { concurrency: 8, repeat: 1 }',
    '',
  ];
  return lines.join('\n');
}

async function ask(io: Io, defaults: StarterAnswers): Promise<StarterAnswers> {
  const rl = createInterface({ input: io.stdin, output: io.stdout });
  try {
    const description = await rl.question('What should the model do, in one line? (Enter: a sentiment-classification example)\n> ');
    const offered = PROVIDERS.map((p, i) => `  ${i + 1}. ${p.model}${io.env[p.env] ? ` (${p.env} is set)` : ` (no ${p.env})`}`);
    const chosen = defaults.providers.map((m) => PROVIDERS.findIndex((p) => p.model === m) + 1).join(',');
    const reply = await rl.question(`Which providers? Numbers separated by commas (Enter: ${chosen})\n${offered.join('\n')}\n> `);
    const picks = reply
      .split(/[,\s]+/)
      .map((s) => PROVIDERS[Number(s) - 1]?.model)
      .filter((m): m is string => m !== undefined);
    return { ...defaults, description, providers: picks.length > 0 ? [...new Set(picks)] : defaults.providers };
  } finally {
    rl.close();
  }
}

/** `aijourney init [name]`: writes a commented starter task that passes `validate` as written. */
export async function runInitCommand(name: string | undefined, io: Io): Promise<number> {
  const file = starterFile(name);
  const path = resolve(io.cwd, file);
  const defaults: StarterAnswers = { name: slug(file), description: '', providers: availableProviders(io.env) };
  const interactive = Boolean(io.stdin.isTTY && io.stdout.isTTY);
  const answers = interactive ? await ask(io, defaults) : defaults;
  try {
    await writeFile(path, starterTask(answers, file), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${file} already exists; not overwriting it`, 'pick another name: aijourney init <name>');
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`);
  }
  const keys = PROVIDERS.filter((p) => answers.providers.includes(p.model) && !io.env[p.env]).map((p) => p.env);
  await write(
    io.stdout,
    `Wrote ${file} (task "${answers.name}": ${answers.providers.join(', ')}).\n` +
      (keys.length > 0 ? `Set ${keys.join(' and ')} before running it.\n` : '') +
      `Next: edit the examples, then aijourney eval ${file}\n`,
  );
  return EXIT.ok;
}
