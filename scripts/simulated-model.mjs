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

const INTENTS = [
  [/charge|invoice|card|billing|EUR/i, 'billing'],
  [/password|email address|account|log ?in/i, 'account'],
  [/crash|error|returns nothing|broken/i, 'bug'],
  [/.*/, 'feature_request'],
];

/** Intent labels; without worked examples the second model answers in a sentence's form ("Billing."). */
function intent(req, second) {
  const label = INTENTS.find(([re]) => re.test(req.lastUser))[1];
  const zeroShot = req.messages.length === 1;
  return second && zeroShot ? `${label[0].toUpperCase()}${label.slice(1)}.` : label;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function isoDate(text) {
  const iso = /(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (iso) return iso[0];
  const dmy = /(\d{2})\/(\d{2})\/(\d{4})/.exec(text);
  if (dmy) return `${dmy[3]}-${dmy[2]}-${dmy[1]}`;
  const words = /(\d{1,2}) ([A-Za-z]+) (\d{4})/.exec(text);
  const month = words ? MONTHS.indexOf(words[2].toLowerCase()) + 1 : 0;
  return month ? `${words[3]}-${String(month).padStart(2, '0')}-${words[1].padStart(2, '0')}` : '';
}

/** A receipt read line by line; the second model drops negative lines (a discount), so its items no longer add up. */
function receipt(req, second) {
  const lines = req.lastUser
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const priced = lines.map((l) => /^(.*?)\s{2,}(-?\d+\.\d{2})$/.exec(l)).filter(Boolean);
  const isTotal = (name) => /total|paid/i.test(name);
  const items = priced
    .filter(([, name, price]) => !isTotal(name) && !(second && Number(price) < 0))
    .map(([, name, price]) => ({ name: name.replace(/^"|"$/g, ''), price: Number(price) }));
  const total = Number(priced.find(([, name]) => isTotal(name))?.[2] ?? 0);
  const merchant = lines[0].split(/,| — /)[0].trim();
  return JSON.stringify({ merchant, date: isoDate(req.lastUser), items, total });
}

/**
 * The tool calls for one request (none without tools): the order number the customer gave, and the
 * tool that fits what they ask. The second model passes a refund's amount as text ("15").
 */
export function simulatedToolCalls(req) {
  if (req.tools.length === 0) return [];
  const second = /claude|haiku/i.test(req.model);
  const message = req.lastUser;
  const order = /[A-Z]-\d+/.exec(message)?.[0];
  if (/lawyer|legal|a person|human/i.test(message)) return [{ name: 'escalate_to_human', arguments: { reason: 'The customer mentions legal action.' } }];
  if (order && /refund|money back/i.test(message)) {
    const amount = /(\d+(?:\.\d+)?) euros?/i.exec(message)?.[1];
    return [{ name: 'refund_order', arguments: { order_id: order, ...(amount ? { amount: second ? amount : Number(amount) } : {}) } }];
  }
  return order ? [{ name: 'lookup_order', arguments: { order_id: order } }] : [];
}

/** The reply for one request; `second` models answer a little differently (and sometimes worse). */
export function simulatedReply(req) {
  if (req.system.includes('impartial grader')) return judge(req);
  if (req.tools.length > 0 && simulatedToolCalls(req).length > 0) return '';
  const second = /claude|haiku/i.test(req.model);
  if (req.system.includes("Classify the customer's message")) return intent(req, second);
  if (req.system.includes('Extract the merchant')) return receipt(req, second);
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

/** Wire server options that make it this simulated model (text replies and tool calls), for the demo and the examples' tests. */
export const SIMULATED = { rules: [{ match: /[\s\S]*/, reply: simulatedReply, toolCalls: simulatedToolCalls }] };
