/**
 * What a provider base URL may be. Both SDKs build each request URL by appending a path
 * (`/chat/completions`, `/v1/messages`) to the base URL's text, and send the key in a header.
 */

/** Why `value` cannot be a base URL (one phrase, for `file:line:col: field: ...`), or null. */
export function baseUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a URL such as https://api.example.com/v1, got ${JSON.stringify(value)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http:// or https:// URL, got a ${url.protocol.replace(/:$/, '')}: URL`;
  if (url.username || url.password) {
    return 'credentials in the URL (user:pass@) would not be sent (the SDKs send the key in a header): put the key in an environment variable and name it with api_key_env';
  }
  if (url.search || url.hash)
    return 'a query (?...) or fragment (#...) would end up in the middle of every request path (the SDKs append /chat/completions or /v1/messages to the URL): remove it';
  return null;
}
