/** Building blocks shared by the task file's schema modules (schema.ts and its parts). */
import * as z from 'zod';
import { didYouMean } from './suggest.js';

/** Separates per-key messages of one `unrecognized_keys` issue; see issues.ts. */
export const UNKNOWN_KEY_SEPARATOR = '\n';

/**
 * A strict object whose unknown-key message carries a did-you-mean from its own shape.
 * One message per unknown key, joined by UNKNOWN_KEY_SEPARATOR, in the order of `issue.keys`.
 */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `unknown key "${key}"${didYouMean(key, known)}`).join(UNKNOWN_KEY_SEPARATOR) : undefined,
  });
}

/** A string with something in it: empty is "must not be empty", whitespace only "must not be blank". */
export const text = () =>
  z
    .string()
    .min(1)
    .refine((value) => value === '' || value.trim() !== '', 'must not be blank (it holds only whitespace)');

export const scalar = z.union([z.string(), z.number(), z.boolean()]).describe('A string; numbers and booleans are converted to strings.');

/** A JSON Schema as written (compiled and checked by rules.ts). */
export const jsonSchemaObject = () => z.record(z.string(), z.unknown());
