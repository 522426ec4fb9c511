import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, workdir } from '../helpers/cli.js';

// The real APIs are HTTPS: the fetch the SDKs use (src/providers/transport.ts, undici) must speak TLS.
// A local HTTPS server with a throwaway self-signed certificate, trusted through NODE_EXTRA_CA_CERTS.
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('the transport over TLS', () => {
  it('carries both SDKs over HTTPS', async () => {
    const dir = await workdir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const out = execFileSync(process.execPath, [join(ROOT, 'tests/fixtures/tls-client.mjs')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ openai: 'tls openai', anthropic: 'tls anthropic', seen: ['/v1/chat/completions', '/v1/messages'] });
  });
});
