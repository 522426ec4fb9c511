// Types of the build steps tests/build/rewrites.test.ts and tests/build/undici-body.test.ts check.
export interface RewriteStep {
  name: string;
  /** The rewritten text, or throws saying why the file cannot be rewritten. */
  rewrite(text: string): string;
}
export const pricesDataAsJson: RewriteStep;
export const pricesLazyAncestors: RewriteStep;
export const lazyHttp2: RewriteStep;
export const lazyRequestBody: RewriteStep;
export const fetchAssertsSource: RewriteStep;
export const stepResults: Record<string, string>;
export function rewritePlugins(): unknown[];
