/**
 * Prompt templates: `{{ var }}` (spaces optional) is replaced by the example's variable.
 * Deliberately tiny: no logic, no escaping, no partials. Unknown variables are caught when the
 * task is validated; rendering throws too, so a missed one can never reach a model as `{{x}}`.
 */

/** A placeholder: `{{`, optional spaces, a name without spaces or braces, optional spaces, `}}`. */
const PLACEHOLDER = /\{\{\s*([^\s{}]+)\s*\}\}/g;

/** Variable names used by `template`, in order of first use, without duplicates. */
export function templateVars(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

/**
 * `{{` openings that do not start a valid placeholder (`{{ }}`, `{{two words}}`, an unclosed `{{x`),
 * as written, so validation can point at them: they would otherwise reach the model verbatim.
 */
export function malformedPlaceholders(template: string): string[] {
  const valid = /\{\{\s*[^\s{}]+\s*\}\}/y;
  const found: string[] = [];
  for (let i = template.indexOf('{{'); i >= 0; i = template.indexOf('{{', i + 1)) {
    const at = (index: number) => {
      valid.lastIndex = index;
      return valid.test(template);
    };
    if (at(i) || at(i + 1)) continue; // `{{{x}}}`: the placeholder starts one brace later
    const close = template.indexOf('}}', i);
    const end = close >= 0 && close - i < 40 ? close + 2 : Math.min(template.length, i + 20);
    found.push(template.slice(i, end));
  }
  return found;
}

/**
 * Replaces every placeholder with its variable's value, in a single pass (a value containing
 * `{{x}}` is not expanded again).
 * @throws Error naming the variable when `vars` lacks one the template uses.
 */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_whole, name: string) => {
    if (!Object.hasOwn(vars, name)) {
      const known = Object.keys(vars);
      throw new Error(`unknown template variable {{${name}}} (have: ${known.length ? known.join(', ') : 'none'})`);
    }
    return vars[name]!;
  });
}
