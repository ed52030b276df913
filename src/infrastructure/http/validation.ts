import { z } from 'zod';
import { isDay } from '../../domain/shared/time.js';
import { validationFailed, type FieldError } from './problems.js';

/**
 * An aggregate or resource id: 1–128 characters, letters, digits, `.`, `_`, `-`, starting
 * with a letter or digit. No `@`, `:` or `/`: ids are parts of stream names.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An id (see `ID_PATTERN`). */
export const id = z
  .string()
  .regex(ID_PATTERN, { error: 'must be 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit' });

/** Free text of 1–`max` characters without control characters (names, references, reasons). */
export const text = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^[^\p{Cc}]*$/u, { error: 'must not contain control characters' });

/** An ISO 4217-shaped currency code: three capital letters. */
export const currency = z.string().regex(/^[A-Z]{3}$/, { error: 'must be three capital letters (ISO 4217)' });

/** Money: a safe integer of minor units and a currency (signs and ranges are the domain's rules). */
export const money = z.strictObject({
  minor: z.int({ error: 'must be a safe integer of minor units' }),
  currency,
});

/** A quantity of units: a whole number from 1 to 1,000,000. */
export const quantity = z
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be at least 1' })
  .max(1_000_000, { error: 'must be at most 1000000' });

/**
 * A calendar day `YYYY-MM-DD` that exists, in the years 0001–9999 (`isDay`: the range
 * PostgreSQL dates and four-digit ISO years share; `0000-01-01` and `2026-02-30` are refused).
 */
export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a day YYYY-MM-DD' })
  .refine(isDay, { error: 'must be a day that exists, in the years 0001–9999' });

/**
 * A querystring integer within [min, max] (decimal digits only; a number of any length is
 * told its bound, not that it is no whole number).
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

/** A `commit/prepare` position as commands return it. */
export const position = z.string().regex(/^\d{1,20}\/\d{1,20}$/, { error: 'must be a position <commit>/<prepare>' });

/** 1–128 visible ASCII characters (`Idempotency-Key`, `X-Request-Id`). */
export const VISIBLE_ASCII_KEY = /^[\x21-\x7E]{1,128}$/;

/** The dotted path of an issue (`price.minor`, `payments.0.amount`); '' for the whole input. */
function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/**
 * Every zod issue as field errors: an unknown key becomes one error per key, named by its
 * path; a missing field (`undefined` where a value was expected; needs the issues parsed
 * with `reportInput`) is `is required`; the others keep their message.
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: dotted([...issue.path, key]), message: 'is not a known field' }));
    }
    if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) return [{ field: dotted(issue.path), message: 'is required' }];
    return [{ field: dotted(issue.path), message: issue.message }];
  });
}

/**
 * Parses untrusted input with a schema.
 * @returns the parsed (typed) value
 * @throws HttpProblem 400 `validation-failed` naming the first failing field and listing all
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw validationFailed(fieldErrors(result.error));
  return result.data;
}

/**
 * Paths (dotted, as `fieldErrors` names them) of the keys in parsed JSON that could poison
 * prototypes: every `__proto__` key, and every `constructor` whose value is an object with a
 * `prototype` key (what secure-json-parse refuses). No schema has such a field, so each is
 * answered as an unknown field. Walks iteratively, shallowest first (no recursion limit).
 * @returns the paths, or [] when there is none
 */
export function prototypePoisoningKeys(value: unknown): string[] {
  const found: string[] = [];
  const queue: { node: unknown; path: readonly PropertyKey[] }[] = [{ node: value, path: [] }];
  for (let i = 0; i < queue.length; i++) {
    const { node, path } = queue[i]!;
    if (typeof node !== 'object' || node === null) continue;
    for (const key of Object.keys(node)) {
      const child: unknown = (node as Record<string, unknown>)[key];
      const childPath = [...path, Array.isArray(node) ? Number(key) : key];
      const poisoned = key === '__proto__' || (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'));
      if (poisoned) found.push(dotted(childPath));
      else queue.push({ node: child, path: childPath });
    }
  }
  return found;
}
