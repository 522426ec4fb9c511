import { Command, CommanderError, Option } from 'commander';
import { AijourneyError, EXIT } from './errors.js';
import { envSecrets, Scrubber } from './providers/secrets.js';
import { outputStream } from './render/output-stream.js';
import { displayText, guardTerminal } from './render/terminal-text.js';
import * as opt from './commands/options.js';
import { VERSION } from './version.js';
import { write, type Io } from './io.js';

/**
 * The CLI entry: parses flags and calls library functions, lazy-importing each command so
 * `--help` and `--version` never load an SDK. The only place that exits the process.
 */

const collect = (value: string, previous: string[] = []) => [...previous, value];

function program(io: Io, setCode: (code: number) => void): Command {
  const cmd = new Command('aijourney')
    .description('Quick LLM litmus tests and evals: quality with honest intervals, a judge checked against your labels, real cost and latency.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // commander's own usage errors (unknown option, missing argument) read like ours.
      outputError: (s, write) => write(s.replace(/^error: /, 'aijourney: ')),
    })
    .exitOverride();

  const evalCmd = cmd
    .command('eval')
    .description('run the prompts of a task on its providers, score them, and print quality, cost and latency')
    .argument('<task>', 'task file (YAML)')
    .addOption(opt.option('-j, --concurrency <n>', 'calls in flight at once (overrides settings.concurrency)', opt.concurrency))
    .option('-o, --output <file>', 'also write FILE, format by extension: .json (run record), .junit.xml, .md, .csv, .html; repeatable', collect)
    .option('--json', 'print the run record as JSON on stdout and nothing else')
    .option('--runs-dir <dir>', 'where every run record is saved', '.aijourney/runs')
    .addOption(opt.option('--seed <n>', 'seed of the corrected-quality Monte Carlo and of --sample', opt.seed).default(1))
    .option('--cache-dir <dir>', 'where model replies are cached between runs', '.aijourney/cache')
    .option('--no-cache', 'call every model afresh: neither read nor write the response cache')
    .addOption(opt.option('--limit <n>', 'run only the first N examples (quick litmus test on a big data file)', opt.count))
    .addOption(opt.option('--sample <n>', 'run N examples drawn at random, the same ones for the same --seed (applied after --limit)', opt.count))
    .addOption(opt.option('--volume <calls>', 'calls per day: adds a projected cost per month (30 days) column', opt.count));
  for (const gate of opt.GATE_FLAGS) evalCmd.addOption(opt.option(gate.flag, gate.help, gate.parse));
  evalCmd
    .addOption(
      opt.option(
        '--confidence <level>',
        'how quality is decided (gate, recommendation, baseline): "estimate" (the point estimate) or a level such as 0.95 (the one-sided lower bound); overrides gates.confidence',
        opt.confidence,
      ),
    )
    .option('--baseline <run.json>', 'compare each row with the same row of a saved run (exact paired sign-flip test by example, cost and p95 ratios)')
    .addOption(
      opt.option(
        '--max-regression <drop>',
        "with --baseline: fail when a row's quality dropped by more than DROP (e.g. 0.05) and the drop is significant (p < 0.05)",
        opt.rate,
      ),
    )
    .option('--dry-run', 'print the planned calls and an estimated cost range, call nothing, exit 0')
    .option('--yes', 'run a plan over the default ceilings (10,000 calls, or an estimated $10 without --max-cost); without it such a plan is refused, exit 2')
    .option(
      '--batch',
      "send the models' and the judge's calls through the providers' batch APIs (OpenAI Batch, Anthropic Message Batches) at half price; resumable",
    )
    .addOption(
      opt.option(
        '--batch-wait <seconds>',
        'with --batch: wait at most this long for batches to end; 0 submits and exits with code 4, and the same command collects later',
        opt.amount,
      ),
    )
    .addOption(opt.option('--shard <K/N>', 'run shard K of N (whole examples, round-robin); join the records with aijourney merge', opt.shard))
    .addOption(new Option('--no-color', 'no ANSI colours (NO_COLOR is respected too)'))
    .action(async (task: string, opts) => {
      const { runEvalCommand } = await import('./commands/eval.js');
      setCode(await runEvalCommand(task, opts, io));
    });

  cmd
    .command('compare')
    .description('compare two saved runs row by row: quality change with an exact paired test by example, cost and p95 ratios')
    .argument('<baseline>', 'the earlier run record (.json)')
    .argument('<run>', 'the run record to compare with it (.json)')
    .option('--json', 'print the comparison as JSON')
    .addOption(new Option('--no-color', 'no ANSI colours (NO_COLOR is respected too)'))
    .action(async (baseline: string, run: string, opts) => {
      const { runCompareCommand } = await import('./commands/compare.js');
      setCode(await runCompareCommand(baseline, run, opts, io));
    });

  cmd
    .command('merge')
    .description('join the run records of the shards of one task (eval --shard K/N) into one run; statistics recomputed over the whole')
    .argument('<runs...>', 'shard run records (.json)')
    .requiredOption('-o, --output <file>', 'where to write the merged run record (.json)')
    .option('--json', 'print the merged run record as JSON')
    .addOption(new Option('--no-color', 'no ANSI colours (NO_COLOR is respected too)'))
    .action(async (runs: string[], opts) => {
      const { runMergeCommand } = await import('./commands/merge.js');
      setCode(await runMergeCommand(runs, opts, io));
    });

  cmd
    .command('validate')
    .description('check a task file (schema, rules, template variables) without calling any model')
    .argument('<task>', 'task file (YAML)')
    .action(async (task: string) => {
      const { runValidateCommand } = await import('./commands/validate.js');
      setCode(await runValidateCommand(task, io));
    });

  cmd
    .command('report')
    .description('re-render a saved run record (terminal tables, or files with -o) without calling any model')
    .argument('<run>', 'run record (.json) saved by eval')
    .option('-o, --output <file>', 'write FILE, format by extension: .json, .junit.xml, .md, .csv, .html; repeatable', collect)
    .addOption(new Option('--no-color', 'no ANSI colours (NO_COLOR is respected too)'))
    .action(async (file: string, opts) => {
      const { runReportCommand } = await import('./commands/report.js');
      setCode(await runReportCommand(file, opts, io));
    });

  cmd
    .command('init')
    .description('write a commented starter task file that passes validate as written')
    .argument('[name]', 'task file name (`.yaml` is added)', 'task')
    .action(async (name: string) => {
      const { runInitCommand } = await import('./commands/init.js');
      setCode(await runInitCommand(name, io));
    });

  cmd
    .command('batch')
    .description('provider batches of --batch runs')
    .command('status')
    .description('the batches a --batch run left running (saved in the runs directory), with their status at the provider')
    .argument('<task>', 'task file (YAML)')
    .option('--runs-dir <dir>', 'where run records and batches.json are saved', '.aijourney/runs')
    .option('--json', 'print JSON')
    .action(async (task: string, opts) => {
      const { runBatchStatusCommand } = await import('./commands/batch.js');
      setCode(await runBatchStatusCommand(task, opts, io));
    });

  cmd
    .command('models')
    .description('list the models with known prices (bundled price data): $ per million tokens, context window')
    .argument('[filter]', 'case-insensitive part of a provider or model name')
    .option('--json', 'print JSON')
    .action(async (filter: string | undefined, opts) => {
      const { runModelsCommand } = await import('./commands/models.js');
      setCode(await runModelsCommand(filter, opts, io));
    });

  cmd
    .command('label')
    .description("show a run's outputs one by one and record your pass/fail (and a critique) into the task file")
    .argument('<task>', 'task file (YAML)')
    .option('--run <file>', 'the run record to label (default: the latest run of this task)')
    .option('--runs-dir <dir>', 'where run records are saved', '.aijourney/runs')
    .addOption(
      opt.option(
        '--random <n>',
        "label N outputs drawn at random from one row's judged outputs: a random sample, which prediction-powered inference can use for a narrower corrected interval",
        opt.count,
      ),
    )
    .addOption(
      opt.option(
        '--next <n>',
        'label the N outputs whose labels are expected to narrow the corrected-quality intervals most (value of information under the corrected-quality model)',
        opt.count,
      ),
    )
    .option('--prompt <id>', "with --random: the row's prompt variant (default: the first row the judge graded)")
    .option('--provider <id>', "with --random: the row's provider")
    .addOption(opt.option('--seed <n>', 'with --random: seed of the draw', opt.seed).default(1))
    .addOption(new Option('--no-color', 'no ANSI colours (NO_COLOR is respected too)'))
    .action(async (task: string, opts) => {
      const { runLabelCommand } = await import('./commands/label.js');
      setCode(await runLabelCommand(task, opts, io));
    });

  return cmd;
}

/**
 * What the commands get: stdout and stderr with every configured secret masked and every control
 * character that is not our own escaped (render/terminal-text.ts), whoever writes to them.
 */
function guardedIo(io: Io): Io {
  const secrets = io.secrets ?? new Scrubber(envSecrets(io.env));
  const transform = (text: string) => guardTerminal(secrets.text(text));
  return { ...io, stdout: outputStream(io.stdout, transform), stderr: outputStream(io.stderr, transform), secrets };
}

/** Runs the CLI and returns the exit code (for in-process tests); `main` exits with it. */
export async function run(argv: string[], given: Io): Promise<number> {
  const io = guardedIo(given);
  let code: number = EXIT.ok;
  try {
    await program(io, (c) => (code = c)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput;
    }
    if (err instanceof AijourneyError) {
      // A message may quote the task file (keys, values): shown with its control characters escaped.
      await write(io.stderr, `aijourney: ${displayText(err.message, true)}\n${err.hint ? `  hint: ${displayText(err.hint)}\n` : ''}`);
      return err.exitCode;
    }
    const detail = io.env.AIJOURNEY_DEBUG ? `\n${(err as Error)?.stack ?? err}` : ' (set AIJOURNEY_DEBUG=1 for the stack)';
    await write(
      io.stderr,
      `aijourney: internal error: ${(err as Error)?.message ?? err}${detail}\nThis is a bug in aijourney; please report it with the command you ran.\n`,
    );
    return EXIT.runFailed;
  }
  return code;
}

export async function main(argv: string[]): Promise<void> {
  const code = await run(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
  process.exit(code);
}
