/**
 * HTML escaping for the report: everything a model (or a task file) wrote goes through `esc`.
 * Escaping all five significant characters makes text safe in element bodies and in quoted
 * attributes alike; control characters HTML cannot carry become U+FFFD.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | null | undefined | Array<Html | string>;

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map(piece).join('') : piece(v);
    out += strings[i + 1] ?? '';
  });
  return new Html(out);
}

function piece(v: Html | string | number | null | undefined): string {
  return v instanceof Html ? v.value : esc(v);
}
