/**
 * A call's output in the HTML report: its text, a structured reply's object pretty-printed, and each
 * tool call as its name with the arguments laid out (or, when they did not parse, what the model
 * wrote and why it could not be read). Everything passes through `html` escaping.
 */
import type { CallResult, ToolCall } from '../record/schema.js';
import { replyTextOf } from '../score/answer.js';
import { html, type Html } from './html-escape.js';

function toolCallHtml(call: ToolCall): Html {
  const name = call.name || '(no name)';
  if (call.error !== undefined)
    return html`<div class="tool bad"><span class="tool-name">→ ${name}</span> <span class="why">${call.error}</span><pre class="out">${call.raw ?? ''}</pre></div>`;
  return html`<div class="tool"><span class="tool-name">→ ${name}</span><pre class="out">${JSON.stringify(call.arguments ?? {}, null, 2)}</pre></div>`;
}

export function outputHtml(r: CallResult): Html {
  if (r.output === null) return html``;
  if (r.structured !== undefined) return html`<pre class="out">${JSON.stringify(r.structured, null, 2)}</pre>`;
  const calls = r.toolCalls ?? [];
  const text = calls.length === 0 ? r.output : replyTextOf(r.output, calls);
  if (text === null) return html`<pre class="out">${r.output}</pre>`;
  return html`${text === '' ? '' : html`<pre class="out">${text}</pre>`}${calls.map(toolCallHtml)}`;
}
