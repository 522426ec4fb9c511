import { describe, expect, it } from 'vitest';
import type { CallResult } from '../../src/record/schema.js';
import { outputHtml } from '../../src/render/html-answer.js';
import { renderHtml } from '../../src/render/html.js';
import { answerText } from '../../src/score/answer.js';
import { readToolCall } from '../../src/providers/tool-calls.js';
import { makeRecord } from '../helpers/record.js';

// The HTML report shows a tool call as its name and its arguments laid out, a structured reply as
// its object, and a call that did not parse as what the model wrote with the reason; all escaped.

const row = (extra: Partial<CallResult>): CallResult => ({ ...makeRecord().results[0]!, ...extra });

describe('outputs in the HTML report', () => {
  it('tool calls: the text, then each call by name with its arguments pretty-printed; unparseable ones with the reason', () => {
    const toolCalls = [{ name: 'get_weather', arguments: { city: '<script>alert(1)</script>', days: 2 } }, readToolCall('book', '{"when": tomorrow}')];
    const html = outputHtml(row({ output: answerText({ text: 'Checking <b>now</b>.', toolCalls }), toolCalls })).toString();
    expect(html).toContain('<pre class="out">Checking &lt;b&gt;now&lt;/b&gt;.</pre>');
    expect(html).toContain(
      '<div class="tool"><span class="tool-name">→ get_weather</span><pre class="out">{\n  &quot;city&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;,\n  &quot;days&quot;: 2\n}</pre></div>',
    );
    expect(html).toMatch(
      /<div class="tool bad"><span class="tool-name">→ book<\/span> <span class="why">the arguments are not valid JSON \(.*\)<\/span><pre class="out">\{&quot;when&quot;: tomorrow\}<\/pre><\/div>/,
    );
    expect(html).not.toContain('tool call: get_weather');
  });

  it('a reply that only called a tool has no empty text block; a structured reply is its object laid out', () => {
    const toolCalls = [{ name: 'noop', arguments: {} }];
    expect(outputHtml(row({ output: 'tool call: noop {}', toolCalls })).toString()).toBe(
      '<div class="tool"><span class="tool-name">→ noop</span><pre class="out">{}</pre></div>',
    );
    expect(outputHtml(row({ output: '{"a":1}', structured: { a: 1 } })).toString()).toBe('<pre class="out">{\n  &quot;a&quot;: 1\n}</pre>');
    expect(outputHtml(row({ output: 'plain' })).toString()).toBe('<pre class="out">plain</pre>');
  });

  it('the whole report carries them, under the Content-Security-Policy', () => {
    const record = makeRecord();
    const toolCalls = [{ name: 'lookup_order', arguments: { order_id: 'A-1' } }];
    record.results[0] = { ...record.results[0]!, output: answerText({ text: '', toolCalls }), toolCalls };
    const page = renderHtml(record);
    expect(page).toContain('<span class="tool-name">→ lookup_order</span>');
    expect(page).toContain('.tool-name {');
  });
});
