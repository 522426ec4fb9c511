/**
 * No hostile byte reaches a terminal. Model outputs, task-file ids and saved records may hold
 * control characters: ESC sequences (retitle the window, clear the screen, move the cursor to
 * overwrite lines), BEL, NUL, bidi overrides that reorder what is shown. Two layers:
 *
 * - `displayText` / `displayCopy`: every string taken from data is shown with its control
 *   characters escaped (`\x1b`, `\u202e`), before our own colours are added;
 * - `guardTerminal`: the last step before stdout and stderr (cli.ts) escapes any control
 *   character still there, except our colours and the cursor moves of the spinner and the line
 *   editor. Its escapes are JSON's (`\u001b`), so `--json` output stays valid JSON.
 */

/** C0 (tab and line feed apart), DEL, C1, bidi controls and embeddings, line/paragraph separators. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_CHAR = new RegExp(CONTROL.source);
/** The same, with tab and line feed. */
const CONTROL_OR_SPACE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_SPACE_CHAR = new RegExp(CONTROL_OR_SPACE.source);

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(char: string): string {
  const code = char.charCodeAt(0);
  return NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/**
 * Text from data, safe to print: control characters shown as escapes. With `multiline`, line feeds
 * and tabs stay (CRLF becomes LF): for outputs shown as blocks or collapsed onto one line later.
 */
export function displayText(text: string, multiline = false): string {
  // Tested first: most text is clean, and a test is cheaper than a replace that finds nothing (a CR is a control character).
  if (multiline) return CONTROL_CHAR.test(text) ? text.replace(/\r\n/g, '\n').replace(CONTROL, escaped) : text;
  return CONTROL_OR_SPACE_CHAR.test(text) ? text.replace(CONTROL_OR_SPACE, escaped) : text;
}

/**
 * Free text that may span lines (collapsed or indented by the renderer): a call's output, error and
 * reasons, and labeled outputs. Everywhere else (ids, names, files, sentences built from ids) a
 * line break is escaped too, so no value can start a line of its own.
 */
const MULTILINE_KEYS = new Set(['output', 'reason', 'error', 'critique']);
const FREE_TEXT_LISTS = new Set(['results', 'labelNext', 'labels']);

/**
 * A record (or any plain data) for display: every string through displayText. Copy on write: an
 * array or object is copied only if a string inside it changes, so clean data (the usual case) is
 * returned as it is, without allocating a copy of every result. Neither is ever modified.
 */
export function displayCopy<T>(value: T): T {
  const walk = (v: unknown, key: string, free: boolean): unknown => {
    if (typeof v === 'string') return displayText(v, free && MULTILINE_KEYS.has(key));
    if (Array.isArray(v)) {
      const inner = free || FREE_TEXT_LISTS.has(key);
      let copy: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const shown = walk(v[i], key, inner);
        if (shown === v[i]) continue;
        copy ??= [...v];
        copy[i] = shown;
      }
      return copy ?? v;
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      let entries: Array<[string, unknown]> | null = null;
      for (let i = 0; i < keys.length; i++) {
        const item = (v as Record<string, unknown>)[keys[i]!];
        const shown = walk(item, keys[i]!, free);
        if (shown === item) continue;
        entries ??= Object.entries(v); // in the order of Object.keys
        entries[i]![1] = shown;
      }
      // fromEntries defines each key as an own property (a key named __proto__ stays a key).
      return entries ? Object.fromEntries(entries) : v;
    }
    return v;
  };
  return walk(value, '', false) as T;
}

/**
 * What we write to a terminal ourselves: SGR colours (`ESC [ ... m`), and the cursor and erase
 * moves ora and readline use (column, up/down/left/right, erase line, erase below, cursor show and
 * hide, synchronized output). Never a title (OSC), a clear screen or a cursor jump.
 */
const OWN_SEQUENCE = /\u001b\[(?:[0-9;]*m|\d*[GABCDK]|0?J|\?(?:25|2026|2004)[hl])/y;

/**
 * The last step before a stream: every control character but tab, line feed and CRLF escaped
 * JSON-style, except our own sequences (OWN_SEQUENCE).
 */
export function guardTerminal(text: string): string {
  if (!CONTROL_CHAR.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = char.charCodeAt(0);
    if (char === '\u001b') {
      OWN_SEQUENCE.lastIndex = i;
      const own = OWN_SEQUENCE.exec(text);
      if (own) {
        out += own[0];
        i += own[0].length - 1;
        continue;
      }
    }
    if (char === '\r' && text[i + 1] === '\n') out += char;
    else out += CONTROL_CHAR.test(char) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}
