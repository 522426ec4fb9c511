import type { RunRecord } from '../record/schema.js';
import type { CallResult } from '../record/schema.js';
import { exampleIndices, gateLines, reasonsOf, repeatLabel, rowResults } from './report-data.js';
import { stopText } from './words.js';

/**
 * JUnit XML of a run, the dialect GitHub (dorny/test-reporter, mikepenz/action-junit-report) and
 * GitLab (`artifacts:reports:junit`) read: one <testsuite> per prompt x provider row, one <testcase>
 * per example with its repeats folded in, and a "gates" suite when the run was gated.
 */

/**
 * Characters XML 1.0 forbids even as references (C0 controls but tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF). A model can write any of them; one would make the whole report unparseable.
 */
const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for an XML element body; illegal characters become U+FFFD. */
function xmlText(text: string): string {
  return text.replace(ILLEGAL_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a double-quoted attribute, keeping newlines and tabs (parsers normalize raw ones away). */
function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

const seconds = (rs: CallResult[]) => (rs.reduce((s, r) => s + (r.latencyMs ?? 0), 0) / 1000).toFixed(3);

/** One call's story: output, then why it failed or errored. */
function describe(r: CallResult): string {
  const head = `${repeatLabel(r)}: ${r.error ? 'ERROR' : r.pass ? 'pass' : 'FAIL'}${r.cached ? ' (cached)' : ''}`;
  const lines = [head];
  if (r.error) lines.push(`  error: ${r.error}`);
  for (const reason of reasonsOf(r)) lines.push(`  ${reason}`);
  if (r.output !== null) lines.push('  output:', ...r.output.split(/\r\n|\r|\n/).map((l) => `    ${l}`));
  return lines.join('\n');
}

interface Case {
  xml: string;
  failed: boolean;
  errored: boolean;
  skipped: boolean;
}

/** A row's example: failure if any repeat failed, else error if any repeat errored, else passed. */
function exampleCase(classname: string, example: number, rs: CallResult[], stopReason: string | null): Case {
  const head = `<testcase${attrs({ name: `example ${example}`, classname, time: seconds(rs) })}`;
  if (rs.length === 0) {
    return {
      xml: `${head}><skipped${attrs({ message: `not run: ${stopReason ?? 'the run stopped early'}` })}/></testcase>`,
      failed: false,
      errored: false,
      skipped: true,
    };
  }
  const fails = rs.filter((r) => r.pass === false);
  const errors = rs.filter((r) => r.pass === null);
  const body = rs.map(describe).join('\n\n');
  let inner: string;
  if (fails.length > 0) {
    const first = fails[0]!;
    const message = `${rs.length > 1 ? `${fails.length} of ${rs.length} repeats failed` : 'failed'}: ${reasonsOf(first).join('; ') || 'no reason given'}`;
    inner = `<failure${attrs({ message, type: first.checks.some((c) => !c.pass) ? 'check' : 'judge' })}>${xmlText(body)}</failure>`;
  } else if (errors.length > 0) {
    inner = `<error${attrs({ message: `${rs.length > 1 ? `${errors.length} of ${rs.length} repeats errored` : 'error'}: ${errors[0]!.error ?? 'unknown error'}`, type: 'provider' })}>${xmlText(body)}</error>`;
  } else {
    inner = `<system-out>${xmlText(body)}</system-out>`;
  }
  return { xml: `${head}>${inner}</testcase>`, failed: fails.length > 0, errored: fails.length === 0 && errors.length > 0, skipped: false };
}

function suite(name: string, cases: Case[], time: string, timestamp: string): string {
  const counts = {
    name,
    tests: cases.length,
    failures: cases.filter((c) => c.failed).length,
    errors: cases.filter((c) => c.errored).length,
    skipped: cases.filter((c) => c.skipped).length,
    time,
    timestamp,
  };
  return `  <testsuite${attrs(counts)}>\n${cases.map((c) => `    ${c.xml}`).join('\n')}\n  </testsuite>`;
}

/** The run as a JUnit XML document (UTF-8). */
export function renderJunit(record: RunRecord): string {
  const examples = exampleIndices(record);
  const timestamp = record.startedAt.replace(/Z$/, '');
  const suites: string[] = [];
  const all: Case[] = [];
  for (const row of record.summary) {
    const classname = `${row.prompt}/${row.provider}`;
    const rs = rowResults(record, row);
    const cases = examples.map((ex) =>
      exampleCase(
        classname,
        ex,
        rs.filter((r) => r.example === ex),
        stopText(record.stopReason),
      ),
    );
    all.push(...cases);
    suites.push(suite(classname, cases, seconds(rs), timestamp));
  }
  const gates = gateLines(record);
  if (gates.length > 0) {
    const cases = gates.map((g): Case => {
      const head = `<testcase${attrs({ name: `${g.name} (${g.row})`, classname: 'gates', time: '0' })}`;
      const text = `limit ${g.limit}, actual ${g.actual}${g.note ? ` (${g.note})` : ''}`;
      return g.pass
        ? { xml: `${head}><system-out>${xmlText(text)}</system-out></testcase>`, failed: false, errored: false, skipped: false }
        : {
            xml: `${head}><failure${attrs({ message: `gate failed: ${text}`, type: 'gate' })}>${xmlText(text)}</failure></testcase>`,
            failed: true,
            errored: false,
            skipped: false,
          };
    });
    all.push(...cases);
    suites.push(suite('gates', cases, '0', timestamp));
  }
  const total = (record.results.reduce((s, r) => s + (r.latencyMs ?? 0), 0) / 1000).toFixed(3);
  const top = attrs({
    name: `aijourney: ${record.task.name}`,
    tests: all.length,
    failures: all.filter((c) => c.failed).length,
    errors: all.filter((c) => c.errored).length,
    skipped: all.filter((c) => c.skipped).length,
    time: total,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${top}>\n${suites.join('\n')}\n</testsuites>\n`;
}
