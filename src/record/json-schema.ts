/** The run record's published JSON Schema (schemas/run.schema.json), made from its zod schema. */
import * as z from 'zod';
import { RUN_SCHEMA, runRecordSchema } from './schema.js';

export function runRecordJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runRecordSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
  return {
    title: `aijourney run record (${RUN_SCHEMA})`,
    ...schema,
  };
}
