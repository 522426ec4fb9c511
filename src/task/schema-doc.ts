/**
 * The task file reference in Markdown, generated from the zod schema so the README cannot drift
 * from what is validated. Walks the JSON Schema zod produces (`z.toJSONSchema`, input side, so
 * fields with defaults show as optional) and emits one table row per field.
 */
import * as z from 'zod';
import { taskSchema } from './schema.js';

/** The subset of JSON Schema that z.toJSONSchema emits for our schema. */
interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

interface Walk {
  rows: Row[];
  /** Objects already documented (serialized schema -> field), so a reused one is referenced. */
  seen: Map<string, string>;
}

interface Row {
  field: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

/** A Markdown table of every task file field: path, type, required, default, description. */
export function renderSchemaDoc(): string {
  const root = z.toJSONSchema(taskSchema, { io: 'input' }) as JsonSchema;
  const rows: Row[] = [];
  walkProperties(root, '', { rows, seen: new Map() });
  const lines = [
    '| Field | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.field}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.default)} | ${cell(r.description)} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function walkProperties(node: JsonSchema, prefix: string, walk: Walk): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const field = prefix ? `${prefix}.${key}` : key;
    walk.rows.push(row(field, child, node.required?.includes(key) ?? false));
    walkChildren(child, field, walk);
  }
}

/** Fields below `node`: an object's properties, a list's item fields, each union branch's fields. */
function walkChildren(node: JsonSchema, field: string, walk: Walk): void {
  const { rows, seen } = walk;
  if (node.properties) {
    const key = JSON.stringify(node);
    const first = seen.get(key);
    if (first !== undefined) {
      // The row just pushed is this field's own; point it at the fields documented before.
      const own = rows[rows.length - 1];
      if (own) own.description = `${own.description} Mapping form: the fields of \`${first}\`.`.trim();
      return;
    }
    seen.set(key, field);
    walkProperties(node, field, walk);
  }
  if (node.items) walkChildren(node.items, `${field}[]`, walk);
  for (const branch of node.anyOf ?? []) walkChildren(branch, field, walk);
  for (const branch of node.oneOf ?? []) {
    // A tagged variant (a check): a row naming the variant, then its other fields.
    const tag = branch.properties?.type;
    const variant = tag?.const ?? tag?.enum;
    if (variant === undefined) {
      walkChildren(branch, field, walk);
      continue;
    }
    rows.push({ field, type: `type: ${typeOf(tag!)}`, required: false, default: '', description: describe(branch).text });
    const { type: _omit, ...rest } = branch.properties ?? {};
    walkProperties({ ...branch, properties: rest }, field, walk);
  }
}

function row(field: string, node: JsonSchema, required: boolean): Row {
  const { text, fallbackDefault } = describe(node);
  const def = node.default !== undefined && !isEmptyObject(node.default) ? `\`${JSON.stringify(node.default)}\`` : fallbackDefault;
  return { field, type: typeOf(node), required, default: def, description: text };
}

/** Splits a trailing `@default …` out of a description. */
function describe(node: JsonSchema): { text: string; fallbackDefault: string } {
  const description = node.description ?? '';
  const at = description.indexOf('@default');
  if (at < 0) return { text: description, fallbackDefault: '' };
  return { text: description.slice(0, at).trim(), fallbackDefault: description.slice(at + '@default'.length).trim() };
}

const SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(node: JsonSchema): string {
  const branches = node.anyOf ?? node.oneOf;
  if (branches) return [...new Set(branches.map(typeOf))].join(' or ');
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' or ');
  if (Array.isArray(node.type)) return node.type.join(' or ');
  switch (node.type) {
    case 'string':
      return node.format === 'uri' ? 'URL' : 'string';
    case 'number':
    case 'integer':
      return `${node.type}${range(node)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `${node.minItems ? 'non-empty ' : ''}list of ${node.items ? typeOf(node.items) : 'any'}`;
    case 'object': {
      const extra = node.additionalProperties;
      if (!node.properties && typeof extra === 'object' && extra.type) return `mapping of ${typeOf(extra)}`;
      return 'mapping';
    }
    default:
      return 'any';
  }
}

function range(node: JsonSchema): string {
  const min = node.minimum !== undefined && node.minimum > -SAFE ? node.minimum : undefined;
  const max = node.maximum !== undefined && node.maximum < SAFE ? node.maximum : undefined;
  if (node.exclusiveMinimum !== undefined) return max === undefined ? ` > ${node.exclusiveMinimum}` : ` > ${node.exclusiveMinimum}, ≤ ${max}`;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
