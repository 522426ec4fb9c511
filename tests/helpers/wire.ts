import { afterAll, beforeAll } from 'vitest';
import { startWireServer, type WireServer, type WireServerOptions } from '../server/wire-server.mjs';

export interface WireFixture {
  server: WireServer;
  /** Base URLs of both APIs on the server, and a key for each. */
  env: Record<string, string>;
}

/** The wire server for one test file: started before its tests, closed after them. */
export function wireFixture(options?: WireServerOptions): WireFixture {
  const fixture = {} as WireFixture;
  beforeAll(async () => {
    fixture.server = await startWireServer(options);
    fixture.env = {
      OPENAI_BASE_URL: fixture.server.openaiBaseUrl,
      ANTHROPIC_BASE_URL: fixture.server.anthropicBaseUrl,
      OPENAI_API_KEY: 'sk-test-wire',
      ANTHROPIC_API_KEY: 'sk-ant-test-wire',
    };
  });
  afterAll(() => fixture.server?.close());
  return fixture;
}
