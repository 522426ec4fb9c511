/**
 * Loading a task file: read -> YAML -> schema -> normalize -> rules (script checks imported). Every
 * problem found is collected with its path and line:column and thrown at once as a TaskError,
 * before any model is called. A stage runs only when the one before it found nothing: normalize
 * needs a schema-valid task, and rules need a normalized one.
 */
import { dirname, resolve } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { TaskError, type TaskIssue } from '../errors.js';
import type { Task } from './types.js';
import { fastYaml } from './fast-yaml.js';
import { fromZodIssues, typeName, type DraftIssue } from './issues.js';
import { normalizeTask } from './normalize.js';
import type { YamlResult } from './positioned.js';
import { providerRules } from './provider-rules.js';
import { checkRules } from './rules.js';
import { hasJsonSchema } from './check-rules.js';
import { loadJsonSchema } from '../score/json.js';
import { scriptRules } from './script-rules.js';
import { taskSchema } from './schema.js';
import { MAX_TASK_BYTES, readText, type ReadFile } from './source.js';
import { TASK_TEXT } from './text-places.js';

/** The `yaml` library's path, loaded only for a file that needs it (positioned.ts). */
const positionedYaml = () => import('./positioned.js');

export interface LoadTaskOptions {
  /** Reads a file's bytes (the task file and data files). @default fs.promises.readFile */
  readFile?: ReadFile;
  /** Directory a relative task path is resolved against (messages keep the path as given). @default process.cwd() */
  cwd?: string;
  /** The environment the run will see: which API a provider reaches (OPENAI_BASE_URL) decides what it accepts. @default {} */
  env?: Record<string, string | undefined>;
  /** Today, for model end-of-life dates. @default new Date() */
  today?: Date;
  /** Told the notes of a valid task, one line each: parameters sent under another name, deprecated models. */
  onNote?: (line: string) => void;
  /**
   * Whether a file that is plain data may skip the positioned YAML Document (built then only to
   * locate a problem). Results and messages are the same either way; false is for the tests that
   * prove it. @default true
   */
  fastPath?: boolean;
}

/**
 * Reads, parses and validates a task file.
 * @throws TaskError listing every problem as `file:line:col: path: message`.
 */
export async function loadTask(file: string, options: LoadTaskOptions = {}): Promise<Task> {
  const path = options.cwd ? resolve(options.cwd, file) : file;
  const read = await readText(path, file, MAX_TASK_BYTES, options.readFile);
  if (!read.ok) throw new TaskError([{ ...read.issue, file: read.issue.file ?? file, path: '' }]);
  return parseTask(read.text, file, dirname(path), options);
}

/**
 * Validates task YAML already in memory. `file` names it in messages and becomes `Task.file`;
 * data files are resolved against `baseDir`.
 *
 * A file that is plain data takes the fast path (fast-yaml.ts): no positioned Document is built
 * unless validation finds a problem, and then it is built to locate it (the same Document, the
 * same messages, as the positioned path). Anything the fast path does not vouch for (aliases,
 * tags, duplicate keys, syntax errors...) takes the positioned path from the start.
 * @throws TaskError listing every problem.
 */
export async function parseTask(text: string, file: string, baseDir: string = dirname(file), options: LoadTaskOptions = {}): Promise<Task> {
  const fast = options.fastPath === false ? null : fastYaml(text, TASK_TEXT);
  if (fast) {
    // `text` is held only by this locator, which lives only as long as the validation below.
    return validateTask(fast.value, file, baseDir, options, async () => (await positionedYaml()).parseYaml(text, TASK_TEXT));
  }
  const yaml = (await positionedYaml()).parseYaml(text, TASK_TEXT);
  if (!yaml.ok) throw await taskError(file, yaml.issues);
  return validateTask(yaml.value, file, baseDir, options, async () => yaml);
}

/** The positioned Document of the task file, built only when a problem must be located. */
type Positioned = () => Promise<YamlResult>;

async function validateTask(value: unknown, file: string, baseDir: string, options: LoadTaskOptions, positioned: Positioned): Promise<Task> {
  const fail = async (issues: DraftIssue[]) => {
    const yaml = await positioned();
    // Unreachable while both paths agree (tests/task/fast-yaml.test.ts); if not, the YAML problem comes first, as on the positioned path.
    if (!yaml.ok) return taskError(file, yaml.issues);
    return taskError(file, issues, yaml.doc, yaml.lineCounter);
  };

  if (value === null || value === undefined) {
    throw await fail([{ path: [], message: 'empty task file: expected a mapping with name, prompt, providers and examples', line: 1, column: 1 }]);
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw await fail([{ path: [], message: `expected a mapping with name, prompt, providers and examples, got ${typeName(value)}` }]);
  }

  const parsed = taskSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw await fail(fromZodIssues(parsed.error.issues));

  const { task, issues, origins } = await normalizeTask(parsed.data, { file, baseDir, ...(options.readFile ? { readFile: options.readFile } : {}) });
  if (hasJsonSchema(task)) await loadJsonSchema();
  issues.push(...checkRules(parsed.data, task, origins), ...(await scriptRules(task)));
  const providers = providerRules(parsed.data, task, { env: options.env ?? {}, today: options.today ?? new Date() });
  issues.push(...providers.issues);
  if (issues.length > 0) throw await fail(issues);
  for (const note of providers.notes) options.onNote?.(note);
  return task;
}

/** Locates every issue (in the task file unless it names another) and sorts them by position. */
async function taskError(file: string, drafts: DraftIssue[], doc?: Document, lineCounter?: LineCounter): Promise<TaskError> {
  const { locate } = await positionedYaml();
  const issues: TaskIssue[] = drafts.map((draft) => {
    const where =
      draft.line !== undefined
        ? { line: draft.line, column: draft.column ?? 1 }
        : doc && lineCounter
          ? locate(doc, lineCounter, draft.path, draft.atKey)
          : { line: 1, column: 1 };
    return { file: draft.file ?? file, path: draft.path.join('.'), message: draft.message, ...where };
  });
  const rank = (i: TaskIssue) => (i.file === file ? 0 : 1);
  issues.sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file) || a.line! - b.line! || a.column! - b.column!);
  const seen = new Set<string>();
  return new TaskError(
    issues.filter((issue) => {
      const key = JSON.stringify(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
}
