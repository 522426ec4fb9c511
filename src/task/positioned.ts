/**
 * The positioned YAML path: the `yaml` library's Document (160 KB of code), for the files the fast
 * path (fast-yaml.ts) does not vouch for and to locate problems. Importers load this module with
 * `import()`, so a valid task file runs without compiling the library.
 */
export { locate } from './positions.js';
export { parseYaml, type YamlResult } from './yaml.js';
