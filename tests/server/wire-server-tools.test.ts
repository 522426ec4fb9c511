import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWireServer, tokenCount, type WireServer } from './wire-server.mjs';

// The wire server's tool side, through the SDKs: scripted tool calls come back in each API's shape,
// and every request record holds what was sent, the same for both APIs.

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.reset();
  server.setOptions({ rules: [] });
});

const openai = () => new OpenAI({ apiKey: 'k', baseURL: server.openaiBaseUrl, maxRetries: 0, logLevel: 'off' });
const anthropic = () => new Anthropic({ apiKey: 'k', baseURL: server.anthropicBaseUrl, maxRetries: 0, logLevel: 'off' });
const parameters = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };

describe('wire server: tools', () => {
  it('scripted tool calls in the OpenAI shape, with the text when the rule gives one; arguments given as text are sent as written', async () => {
    server.setOptions({
      rules: [
        { match: 'Paris', reply: 'Checking.', toolCalls: (req) => [{ name: req.tools[0]!.name, arguments: { city: 'Paris' } }] },
        { match: 'Oslo', toolCalls: [{ name: 'get_weather', arguments: '{"city": ' }] },
      ],
    });
    const ask = (city: string) =>
      openai().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: `Weather in ${city}?` },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters } }],
        tool_choice: 'required',
      });
    const paris = await ask('Paris');
    expect(paris.choices[0]!.finish_reason).toBe('tool_calls');
    expect(paris.choices[0]!.message.content).toBe('Checking.');
    expect(paris.choices[0]!.message.tool_calls).toEqual([
      { id: expect.any(String), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(paris.usage!.completion_tokens).toBe(tokenCount('Checking.get_weather{"city":"Paris"}'));
    const oslo = await ask('Oslo');
    expect(oslo.choices[0]!.message.content).toBeNull();
    expect(oslo.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { arguments: '{"city": ' } });
    expect(server.requests[0]).toMatchObject({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'get_weather', parameters }],
      toolChoice: 'required',
      responseFormat: null,
    });
  });

  it('scripted tool calls as Anthropic tool_use blocks; tool choice and tools recorded as for OpenAI', async () => {
    server.setOptions({
      rules: [
        {
          match: 'Rome',
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Rome' } },
            { name: 'get_weather', arguments: { city: 'Milan' } },
          ],
        },
      ],
    });
    const reply = await anthropic().messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ name: 'get_weather', description: 'Weather now.', input_schema: parameters }],
      tool_choice: { type: 'any' },
    });
    expect(reply.stop_reason).toBe('tool_use');
    expect(reply.content).toEqual([
      { type: 'tool_use', id: expect.any(String), name: 'get_weather', input: { city: 'Rome' } },
      { type: 'tool_use', id: expect.any(String), name: 'get_weather', input: { city: 'Milan' } },
    ]);
    expect(server.requests[0]).toMatchObject({
      protocol: 'anthropic',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ name: 'get_weather', description: 'Weather now.', parameters }],
      toolChoice: 'required',
    });
  });

  it("records OpenAI's response_format; a rule without toolCalls answers as before", async () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const reply = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema, strict: true } },
    });
    expect(reply.choices[0]!.message).toMatchObject({ content: 'echo: x' });
    expect(reply.choices[0]!.message.tool_calls).toBeUndefined();
    expect(server.requests[0]).toMatchObject({ responseFormat: { name: 'r', schema, strict: true }, tools: [], toolChoice: null });
  });
});
