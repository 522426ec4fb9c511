/**
 * The fast path for YAML that is plain data: js-yaml's event parser (offsets, no node tree) and a
 * small constructor that gives the value `parseYaml` (yaml.ts) would, by the same YAML 1.2 core
 * schema. It answers null for anything it does not vouch for, and the caller then takes the
 * positioned path, which reports every error with its line and column: anchors and aliases (the
 * alias-expansion bound lives there), tags, directives (any line starting with `%`), several documents, an empty document, a
 * duplicate key, a key that is a collection, null, multi-line or over 1,000 characters, and any
 * syntax error. Positions are never computed here: they are needed only when something is wrong.
 */
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from 'js-yaml';
import type { TextPlace } from './text-places.js';

/** The yaml library's core schema (yaml/dist/schema/core), in its order: the first test that matches resolves. */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Characters a plain scalar must start with to be anything but a string: skips the tests for most text. */
const MAYBE_NOT_TEXT = /^[-+.~0-9nNtTfF]|^$/;

/** A plain scalar's value under the core schema. */
function plainValue(source: string): unknown {
  if (!MAYBE_NOT_TEXT.test(source)) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
}

const DIRECTIVE = /^%/m;

/** Longer keys are left to the positioned parser, which enforces YAML's 1,024-character limit on implicit keys. */
const MAX_KEY = 1000;

interface Frame {
  /** The array or object being filled. */
  value: unknown[] | Record<string, unknown>;
  /** This collection's key or index in its parent (undefined for the root). */
  at: string | number | undefined;
  /** In a mapping: the key whose value comes next, or undefined when a key comes next. */
  key: string | undefined;
  /** Keys or indices holding a plain number or boolean, with its source text, for the text places. */
  written?: Array<[string | number, string]>;
}

/**
 * The value of `text`, or null when the fast path cannot vouch for it (see the module comment).
 * At the `places` (as-written.ts) a plain number or boolean keeps its source text, as parseYaml does.
 */
export function fastYaml(text: string, places?: TextPlace): { value: unknown } | null {
  // js-yaml's events list the %YAML and %TAG directives but drop reserved ones (`%FOO`), which the
  // yaml library warns about; a line starting with `%` is always left to it.
  if (DIRECTIVE.test(text)) return null;
  let events: ReturnType<typeof parseEvents>;
  try {
    events = parseEvents(text, {});
  } catch {
    return null;
  }
  const stack: Frame[] = [];
  let documents = 0;
  let root: { value: unknown } | null = null;

  /** Adds a value to the collection on top of the stack (or makes it the root); false when it may not go there. */
  const add = (value: unknown, source: string | undefined): boolean => {
    const top = stack[stack.length - 1];
    if (!top) {
      if (root) return false;
      root = { value };
      return true;
    }
    let at: string | number;
    if (Array.isArray(top.value)) {
      at = top.value.length;
      top.value.push(value);
    } else {
      if (top.key === undefined) return false;
      at = top.key;
      // Own property even for `__proto__`, as the yaml library's toJS makes it.
      if (at === '__proto__') Object.defineProperty(top.value, at, { value, writable: true, enumerable: true, configurable: true });
      else top.value[at] = value;
      top.key = undefined;
    }
    if (source !== undefined && places) {
      top.written ??= [];
      top.written.push([at, source]);
    }
    return true;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (++documents > 1 || event.directives.length > 0) return null;
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return null;
        const top = stack[stack.length - 1];
        if (top && !Array.isArray(top.value) && top.key === undefined) return null; // a collection as a key
        const value = event.type === EVENT_ID.SEQUENCE ? [] : {};
        const at = top ? (Array.isArray(top.value) ? top.value.length : top.key) : undefined;
        if (!add(value, undefined)) return null;
        stack.push({ value, at, key: undefined });
        break;
      }
      case EVENT_ID.SCALAR: {
        if (event.anchorStart !== -1 || event.tagStart !== -1) return null;
        const raw = getScalarValue(text, event);
        const plain = (event as ScalarEvent).style === SCALAR_STYLE.PLAIN;
        const value = plain ? plainValue(raw) : raw;
        const top = stack[stack.length - 1];
        if (top && !Array.isArray(top.value) && top.key === undefined) {
          if (value === null || raw.length > MAX_KEY || raw.includes('\n')) return null;
          const key = String(value);
          if (Object.hasOwn(top.value, key)) return null; // a duplicate key
          top.key = key;
        } else if (!add(value, plain && (typeof value === 'number' || typeof value === 'boolean') ? raw : undefined)) {
          return null;
        }
        break;
      }
      case EVENT_ID.ALIAS:
        return null;
      case EVENT_ID.POP: {
        // Closes a collection, or a document (when no collection is open).
        const frame = stack.pop();
        if (!frame) break;
        if (frame.key !== undefined) return null;
        if (frame.written) keepWritten(frame, stack, places!);
        break;
      }
      default:
        return null;
    }
  }
  if (documents !== 1 || stack.length > 0 || !root) return null;
  return root;
}

/** At the text places, a plain number or boolean becomes the text written (as-written.ts does it on the Document). */
function keepWritten(frame: Frame, ancestors: Frame[], places: TextPlace): void {
  const path: Array<string | number> = [];
  for (const f of ancestors) if (f.at !== undefined) path.push(f.at);
  if (frame.at !== undefined) path.push(frame.at);
  const value = frame.value as Record<string | number, unknown>;
  const sibling = Array.isArray(frame.value)
    ? () => undefined
    : (key: string) => {
        const v = Object.hasOwn(value, key) ? value[key] : undefined;
        return typeof v === 'object' && v !== null ? undefined : v;
      };
  for (const [at, source] of frame.written!) {
    if (!places([...path, at], sibling)) continue;
    if (at === '__proto__') Object.defineProperty(value, at, { value: source, writable: true, enumerable: true, configurable: true });
    else value[at] = source;
  }
}
