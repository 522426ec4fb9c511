/**
 * The task file as written: the zod schema is the single documented source of every field
 * (each `.describe()` ends up in the README through schema-doc.ts). No transforms here, so the
 * schema stays renderable as JSON Schema; conversion to `Task` happens in normalize.ts.
 */
import * as z from 'zod';
import { baseUrlProblem } from '../providers/base-url.js';
import { PROVIDER_TYPES } from '../providers/table.js';
import { LIMITS } from './limits.js';
import { scalar, strict, text } from './schema-base.js';
import { checkSchema } from './schema-checks.js';
import { expectedToolSchema, promptVariantSchema, toolChoiceSchema, toolsSchema } from './schema-prompt.js';
import { didYouMean } from './suggest.js';

export { CHECK_TYPES } from './schema-checks.js';
export { UNKNOWN_KEY_SEPARATOR } from './schema-base.js';

/** Checks `<type>:<model>` and answers an unknown type with the known ones. */
function providerRefMessage(value: string): string | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    return `expected "<provider>:<model>" such as openai:gpt-4o-mini, got "${value}"`;
  }
  const type = value.slice(0, colon);
  if (!(PROVIDER_TYPES as readonly string[]).includes(type)) {
    return `unknown provider "${type}" (known: ${PROVIDER_TYPES.join(', ')})${didYouMean(type, PROVIDER_TYPES)}`;
  }
  return undefined;
}

/**
 * zod's record output drops an own `__proto__` key (it assigns into a plain object), which would
 * silently lose a variable of that name. It is carried through validation under this name (NUL
 * cannot occur in a task or data file) and restored by normalize.ts and issues.ts.
 */
export const PROTO_KEY = '\u0000__proto__';

function protectProto(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, '__proto__')) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === '__proto__' ? PROTO_KEY : k, v]));
}

/** Template variables: name -> scalar, any name (even `__proto__`). */
const varsRecord = z.preprocess(protectProto, z.record(z.string(), scalar));

const providerString = z
  .string()
  .superRefine((value, ctx) => {
    const message = providerRefMessage(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  })
  .describe('Short form `<provider>:<model>`, e.g. `openai:gpt-4o-mini` or `anthropic:claude-haiku-4-5`.');

/** Parameters either API knows; an unknown key close to one of these is a typo, not a passthrough. */
const KNOWN_PARAMS = [
  'temperature',
  'max_tokens',
  'top_p',
  'top_k',
  'seed',
  'stop',
  'stop_sequences',
  'max_completion_tokens',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'n',
  'user',
  'metadata',
  'response_format',
  'reasoning_effort',
  'verbosity',
  'service_tier',
  'thinking',
  'parallel_tool_calls',
];

const paramsSchema = z
  .looseObject({
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature, 0 to 2.'),
    max_tokens: z.int().positive().max(1_000_000).optional().describe('Maximum output tokens, 1 to 1,000,000; also the output bound of cost estimates.'),
    max_completion_tokens: z
      .int()
      .positive()
      .max(1_000_000)
      .optional()
      .describe(
        'Maximum output tokens of OpenAI reasoning models (reasoning included), 1 to 1,000,000; the output bound of cost estimates when max_tokens is unset.',
      ),
    top_p: z.number().min(0).max(1).optional().describe('Nucleus sampling, 0 to 1.'),
    seed: z.int().optional().describe('Sampling seed, where the provider supports one.'),
    stop: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('Stop sequence(s).'),
  })
  .superRefine((params, ctx) => {
    for (const key of Object.keys(params)) {
      if (KNOWN_PARAMS.includes(key)) continue;
      const hint = didYouMean(key, KNOWN_PARAMS);
      if (hint) ctx.addIssue({ code: 'custom', path: [key], message: `unknown parameter "${key}"${hint} (other keys are sent to the provider as written)` });
    }
  })
  .describe('Sampling parameters sent as written; other keys are passed through to the provider.');

/** Headers the HTTP client sets itself; a task that sets them would corrupt the request. */
const CLIENT_HEADERS = [
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
];

const headersSchema = z
  .record(
    z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name such as x-portkey-api-key')
      .refine((name) => !CLIENT_HEADERS.includes(name.toLowerCase()), { message: 'is set by the HTTP client; it cannot be given here' }),
    z
      .string()
      .refine((value) => !/[\r\n\0]/.test(value), { message: 'a header value must be one line' })
      .refine((value) => value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '').indexOf('${') < 0, {
        message: 'write an environment variable as ${NAME} (letters, digits and _)',
      }),
  )
  .describe(
    'Extra HTTP headers sent with every request to this provider (gateways such as Portkey, Helicone, LiteLLM or Azure). `${NAME}` in a value is replaced by the environment variable NAME, e.g. `Bearer ${HELICONE_API_KEY}`; a missing variable stops the run before any call. Values are never printed, recorded or part of the cache key.',
  );

const priceSchema = strict({
  input_per_mtok: z.number().min(0).describe('USD per million input tokens.'),
  output_per_mtok: z.number().min(0).describe('USD per million output tokens.'),
}).describe('Overrides the bundled price data for this model.');

const providerObject = strict({
  id: text().optional().describe('Name shown in tables. @default `<type>:<model>`'),
  type: z.enum(PROVIDER_TYPES).describe('Wire protocol: `openai` (also any OpenAI-compatible server) or `anthropic`.'),
  model: text().describe('Model name as the API spells it.'),
  base_url: z
    .url()
    .superRefine((value, ctx) => {
      const problem = URL.canParse(value) ? baseUrlProblem(value) : null; // an unparseable one is z.url()'s to report
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional()
    .describe('API base URL (http or https, no credentials or query), e.g. `http://localhost:11434/v1` for Ollama.'),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as MY_API_KEY')
    .optional()
    .describe('Environment variable holding the API key. @default `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`'),
  params: paramsSchema.optional(),
  price: priceSchema.optional(),
  headers: headersSchema.optional(),
  auth: z
    .enum(['bearer', 'x-api-key'])
    .optional()
    .describe(
      'How the API key is sent: `bearer` (`Authorization: Bearer <key>`, what both SDKs send) or `x-api-key` (`x-api-key: <key>`, for Anthropic-compatible gateways that read that header). @default `bearer`',
    ),
}).describe('Long form of a provider.');

/**
 * `[openai: gpt-4o]` (a space after the colon) or `[openai:]` is a YAML mapping, not the short form:
 * say so instead of listing the object form's missing fields.
 */
function shortFormTypo(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [type, model] = entries[0]!;
  if (!(PROVIDER_TYPES as readonly string[]).includes(type) || (model !== null && typeof model !== 'string')) return undefined;
  return model
    ? `write ${type}:${model} with no space after the colon (YAML reads "${type}: ${model}" as a mapping)`
    : `the model name is missing: write ${type}:<model>, e.g. ${type === 'anthropic' ? 'anthropic:claude-haiku-4-5' : 'openai:gpt-4o-mini'}`;
}

const providerRefSchema = z
  .preprocess(
    (value, ctx) => {
      const typo = shortFormTypo(value);
      if (!typo) return value;
      ctx.addIssue({ code: 'custom', message: typo, input: value });
      return `${Object.keys(value as object)[0]}:?`; // a valid stand-in, so only the typo is reported
    },
    z.union([providerString, providerObject]),
  )
  .describe('A model: `<provider>:<model>` or an object with `type` and `model`.');

const labelSampleSchema = strict({
  prompt: z.string().min(1).describe('The prompt variant of the row it was drawn from.'),
  provider: z.string().min(1).describe('The provider of the row it was drawn from.'),
  frame: z.string().min(1).describe('Hash of the outputs it was drawn from.'),
}).describe(
  'Written by `aijourney label --random`: this output was drawn at random from the judged outputs of one row, so prediction-powered inference may use it.',
);

const labelSchema = strict({
  output: scalar.describe('A concrete model output that a human judged.'),
  verdict: z.enum(['pass', 'fail']).describe('The human verdict.'),
  critique: z.string().optional().describe('Why; shown to the judge as part of its few-shot examples.'),
  sample: labelSampleSchema.optional(),
}).describe("A human verdict on one output: the judge's calibration data.");

const exampleSchema = strict({
  vars: varsRecord.optional().describe('Template variables. @default `{}`'),
  expected: scalar.optional().describe('Reference answer, used by `equals` and shown to the judge.'),
  expected_tool: expectedToolSchema.optional(),
  labels: z.array(labelSchema).optional().describe('Human verdicts on concrete outputs for this example.'),
}).describe('One test case.');

const datasetSchema = strict({
  file: text().describe('A `.csv`, `.jsonl`, `.json` or `.yaml` file, relative to the task file. Columns become variables.'),
  limit: z.int().positive().optional().describe('Use only the first N rows.'),
  expected_column: z.string().min(1).optional().describe('Column holding the reference answer. @default `expected`'),
}).describe('Examples loaded from a data file.');

const topLabelSchema = strict({
  vars: varsRecord.describe('The variables of the example this label belongs to.'),
  output: scalar.describe('A concrete model output that a human judged.'),
  verdict: z.enum(['pass', 'fail']).describe('The human verdict.'),
  critique: z.string().optional().describe('Why the output passes or fails.'),
  sample: labelSampleSchema.optional(),
}).describe('A label for a file-loaded example, matched by its variables.');

const judgeCandidateSchema = strict({
  id: text().optional().describe('Name shown in the calibration table. @default the provider id'),
  model: providerRefSchema,
  rubric: text().optional().describe("Overrides the judge's rubric for this candidate."),
}).describe('One judge configuration to calibrate.');

const judgeSchema = strict({
  model: providerRefSchema.optional().describe('The judge model (or use `candidates`).'),
  rubric: text().optional().describe('What a passing output looks like.'),
  candidates: z
    .array(z.union([providerString, judgeCandidateSchema]))
    .min(1)
    .max(10)
    .optional()
    .describe('Judges to calibrate against the labels (at most 10); the best one grades the outputs. Each is `<provider>:<model>` or a mapping.'),
  panel: z
    .array(z.union([providerString, judgeCandidateSchema]))
    .min(2)
    .max(10)
    .optional()
    .describe(
      "Judges asked together, 2 to 10, their verdicts combined by log-odds weights from each member's leave-one-out TPR/TNR (majority vote while labels are too few). Calibrated as a unit next to its members (row `panel`) and used only if its J beats the best single judge. Each is `<provider>:<model>` or a mapping; with `candidates` they are calibrated too.",
    ),
  combine: z
    .enum(['best', 'panel'])
    .optional()
    .describe('With `candidates`: `panel` makes them all one panel (as `panel:` would), calibrated next to them. @default `best`'),
  samples: z.int().min(1).max(25).default(1).describe('Ask each question this many times and take the majority, 1 to 25.'),
  mode: z
    .enum(['pointwise', 'pairwise'])
    .default('pointwise')
    .describe(
      '`pairwise`: besides grading each output, the judge compares each prompt variant with the first, example by example, asked in both orders (needs two or more prompts). @default `pointwise`',
    ),
}).describe('Optional LLM judge: `model` + `rubric`, `candidates`, or a `panel`.');

const gatesSchema = strict({
  min_quality: z.number().min(0).max(1).optional().describe("Fail (exit 1) when a row's quality is below this, 0 to 1."),
  max_cost_usd: z.number().min(0).optional().describe('Fail when the run costs more than this (USD).'),
  max_p95_latency_ms: z.number().positive().optional().describe("Fail when a row's p95 latency exceeds this."),
  max_error_rate: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "Fail (exit 1) when a row's share of errored calls exceeds this, 0 to 1. Over the higher of this and 0.5 the run itself failed: exit 3. @default `0.5` (exit 3 only)",
    ),
  confidence: z
    .union([z.literal('estimate'), z.number().min(0.5).lt(1)])
    .optional()
    .describe(
      'How quality is decided (gate, recommendation, baseline): `estimate` compares the point estimate with the limit; a level such as `0.95` compares the one-sided lower bound at that level. @default `estimate`',
    ),
  max_judge_bias: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'Fail (exit 1) when a bias probe of the judge shows, at its 95% interval, an effect larger than this (0: any bias shown): length (rank-biserial of output length), self-preference (family gap in pass rate) or consistency (flip rate across `judge.samples`), 0 to 1.',
    ),
  allow_untrusted_judge: z
    .boolean()
    .optional()
    .describe('Gate on the raw votes of an untrusted or uncalibrated judge instead of failing (said in the gates table). @default `false`'),
}).describe('CI thresholds; command-line flags override them.');

const settingsSchema = strict({
  concurrency: z.int().min(1).max(LIMITS.concurrency).default(8).describe(`Calls in flight at once, 1 to ${LIMITS.concurrency}.`),
  repeat: z.int().min(1).max(100).default(1).describe('Times each (prompt, provider, example) is run, 1 to 100.'),
  timeout_ms: z
    .int()
    .positive()
    .max(2_147_483_647)
    .default(60000)
    .describe('Per-request timeout in milliseconds, up to 2147483647 (about 24.8 days; longer timers fire at once).'),
  max_retries: z.int().min(0).max(10).default(3).describe('SDK retries on 429, 5xx, timeouts and connection errors, 0 to 10.'),
  batch: z.boolean().default(false).describe("Send the models' and the judge's calls through the providers' batch APIs at the batch price, as `--batch` does."),
}).describe('How the run is executed.');

export const taskSchema = strict({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" only, e.g. support-triage')
    .describe('Task name, slug-like (used in file names and reports).'),
  description: z.string().optional().describe('What the task tests.'),
  prompt: text().optional().describe('A single user template (id `default`); or use `prompts`.'),
  prompts: z.array(promptVariantSchema).min(1).max(50).optional().describe('Prompt variants to compare, at most 50; or use `prompt`.'),
  tools: toolsSchema.optional().describe('Tools every prompt may call, unless a prompt has `tools` of its own.'),
  tool_choice: toolChoiceSchema.optional(),
  providers: z.array(providerRefSchema).min(1).max(50).describe('The models under test, at most 50.'),
  examples: z.union([z.array(exampleSchema).min(1), datasetSchema]).describe('A list of examples, or `{file: data.csv}` to load them from a file.'),
  labels: z.array(topLabelSchema).optional().describe('Labels for file-loaded examples, matched by `vars`.'),
  checks: z.array(checkSchema).optional().describe('Deterministic checks on every output.'),
  judge: judgeSchema.optional(),
  gates: gatesSchema.optional(),
  settings: settingsSchema.prefault({}),
}).describe('An aijourney task file.');

/** The task file as written (after zod defaults), before normalization. */
export type TaskInput = z.output<typeof taskSchema>;
export type ProviderRefInput = z.output<typeof providerRefSchema>;
export type ExampleInput = z.output<typeof exampleSchema>;
export type DatasetInput = z.output<typeof datasetSchema>;
export type CheckInput = z.output<typeof checkSchema>;
export type PromptInput = z.output<typeof promptVariantSchema>;

/** One example as written inline or as a structured row of a data file. */
export const exampleRowSchema = exampleSchema;
