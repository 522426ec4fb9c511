// A simulated model for the demo: plausible, deterministic replies to the example tasks, served by
// the tests' wire-compatible server. Nothing here is a real model; the demo says so when it runs.

const ANSWERS = {
  'capital of Australia': ['Canberra', 'Sydney'],
  'chemical symbol Fe': ['Iron', 'Iron, atomic number 27.'],
  'Berlin Wall': ['1989', 'It fell in 1989.'],
  'Pride and Prejudice': ['Jane Austen', 'Jane Austen'],
  'water boil': ['100 °C', '100 degrees Celsius'],
};

const TRIAGE = [
  [/down|no customer|security|logged into my account|password/i, 'high'],
  [/cannot|can't|spins|broken|blocked/i, 'medium'],
  [/.*/, 'low'],
];

/** The text of the last <name> block: the graded output's, after any few-shot examples. */
function tag(text, name) {
  const all = [...text.matchAll(new RegExp(`<${name}>\\n([\\s\\S]*?)\\n</${name}>`, 'g'))];
  return all.length ? all[all.length - 1][1] : null;
}

/** A lenient simulated judge: passes when the answer contains the reference's first word or number. */
function judge(req) {
  const output = tag(req.lastUser, 'output_to_grade') ?? '';
  const reference = tag(req.lastUser, 'reference_answer') ?? '';
  const key = (reference.match(/[\p{L}\p{N}]+/u) ?? [''])[0].toLowerCase();
  const pass = key !== '' && output.toLowerCase().includes(key);
  return JSON.stringify({
    verdict: pass ? 'pass' : 'fail',
    reason: pass ? `The answer contains "${key}" as the reference does.` : `The answer does not state "${key}".`,
  });
}

/** The reply for one request; `second` models answer a little differently (and sometimes worse). */
export function simulatedReply(req) {
  if (req.system.includes('impartial grader')) return judge(req);
  const second = /claude|haiku/i.test(req.model);
  const careful = req.system.includes('briefly and precisely');
  for (const [needle, [first, other]] of Object.entries(ANSWERS)) {
    if (req.text.includes(needle)) return second && !careful ? other : first;
  }
  if (/urgency/i.test(req.text)) {
    const ticket = /Ticket: (.*)/.exec(req.text)?.[1] ?? '';
    const label = TRIAGE.find(([re]) => re.test(ticket))[1];
    return second ? `${label[0].toUpperCase()}${label.slice(1)}.` : label;
  }
  return "I don't know.";
}
