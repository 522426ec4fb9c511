/**
 * A small JSONPath for the `json-path` check: `$` (optional), `.key`, `[0]`, `["any key"]` or
 * `['any key']`; no wildcards, filters or recursion (a check points at one value). Parsed once,
 * at validation (a bad path is an exit-2 error at its line) and when the check is made.
 */
import type { CheckSpec } from '../task/types.js';
import { jsonDifference, replyJson, showJson } from './json.js';
import type { Check } from './types.js';

export type Segment = string | number;

/** The path's segments, or the reason it is not one. */
export function parseJsonPath(path: string): { ok: true; segments: Segment[] } | { ok: false; reason: string } {
  const segments: Segment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  // A path may start with a bare key: `customer.name` is `$.customer.name`.
  if (i === 0 && path !== '' && path[0] !== '[' && path[0] !== '.') path = `.${path}`;
  const bad = (what: string) => ({ ok: false as const, reason: `${what} at character ${i + 1} of ${JSON.stringify(path.replace(/^\./, ''))}` });
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const key = /^[^.[\]]+/.exec(path.slice(i + 1))?.[0];
      if (!key) return bad('a key is missing after "."');
      segments.push(key);
      i += 1 + key.length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/.exec(rest);
      if (index) {
        segments.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        const body = quoted[1]!;
        segments.push(body.startsWith('"') ? (JSON.parse(body) as string) : body.slice(1, -1).replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else return bad('expected [<index>] or ["<key>"]');
    } else return bad(`unexpected ${JSON.stringify(c)}`);
  }
  return { ok: true, segments };
}

/** The value at the path, or where the path stops existing. */
function valueAt(root: unknown, segments: Segment[]): { found: true; value: unknown } | { found: false; at: string } {
  let value = root;
  let at = '$';
  for (const segment of segments) {
    const next = typeof segment === 'number' ? `${at}[${segment}]` : `${at}.${segment}`;
    if (
      typeof segment === 'number'
        ? !Array.isArray(value) || segment >= value.length
        : typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)
    )
      return { found: false, at: next };
    value = (value as Record<string | number, unknown>)[segment];
    at = next;
  }
  return { found: true, value };
}

export function jsonPath(spec: Extract<CheckSpec, { type: 'json-path' }>): Check {
  const parsed = parseJsonPath(spec.path);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { segments } = parsed;
  const expecting = spec.value !== undefined;
  return (input) => {
    const json = replyJson(input);
    if (!json.ok) return { type: 'json-path', pass: false, reason: json.reason };
    const got = valueAt(json.value, segments);
    if (!got.found) return { type: 'json-path', pass: false, reason: `${spec.path}: nothing at ${got.at}` };
    if (!expecting) return { type: 'json-path', pass: true, reason: `${spec.path} is ${showJson(got.value)}` };
    const diff = jsonDifference(spec.value, got.value);
    if (diff === null) return { type: 'json-path', pass: true, reason: `${spec.path} equals ${showJson(spec.value)}` };
    return { type: 'json-path', pass: false, reason: `${spec.path}: ${diff.startsWith('/: ') ? diff.slice(3) : diff}` };
  };
}
