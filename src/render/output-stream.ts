/**
 * stdout and stderr as the CLI hands them to commands: every write passes through `transform`
 * (the secret mask, then the terminal guard: cli.ts) whoever writes it (our renderers, ora,
 * readline, the SDKs' debug logs). Everything else (isTTY, columns, events) is the stream's own.
 */
export function outputStream<S extends NodeJS.WritableStream>(stream: S, transform: (text: string) => string): S {
  return overlay(stream, (target, prop) => {
    if (prop !== 'write') return undefined;
    return (chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk;
      return (target.write as (...args: unknown[]) => boolean)(typeof text === 'string' ? transform(text) : text, ...rest);
    };
  });
}

/**
 * A view of `target` whose properties come from `own` when it answers (else the target's, methods
 * bound to it). Assignments stay on the view: ora replaces `stream.write` on the stream it is given,
 * which must not land on the real stream under it (its write would then call itself).
 */
export function overlay<S extends object>(target: S, own: (target: S, prop: string | symbol) => unknown): S {
  const assigned = new Map<string | symbol, unknown>();
  return new Proxy(target, {
    get(t, prop) {
      if (assigned.has(prop)) return assigned.get(prop);
      const mine = own(t, prop);
      if (mine !== undefined) return mine;
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? value.bind(t) : value;
    },
    set(_t, prop, value) {
      assigned.set(prop, value);
      return true;
    },
  });
}
