import { z } from 'zod';
import { isDay } from '../../domain/shared/time.js';
import { HttpProblem, problem, validationFailed, type FieldError } from './problems.js';

/**
 * An aggregate or resource id: 1–128 characters, letters, digits, `.`, `_`, `-`, starting
 * with a letter or digit. No `@`, `:` or `/`: ids are parts of stream names.
 */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** An id (see `ID_PATTERN`). */
export const id = z
  .string()
  .regex(ID_PATTERN, { error: 'must be 1–128 letters, digits, ".", "_" or "-", starting with a letter or digit' });

/**
 * Free text of 1–`max` UTF-16 code units without control characters (names, references,
 * reasons), well-formed: a lone surrogate (`"\ud800"`, which JSON may carry but PostgreSQL's
 * `jsonb` refuses) is refused, a surrogate pair (an emoji) is not.
 */
export const text = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .regex(/^[^\p{Cc}]*$/u, { error: 'must not contain control characters' })
    .regex(/^\P{Cs}*$/u, { error: 'must not contain a lone UTF-16 surrogate' });

/**
 * The ISO 4217 codes of currencies in use, as the ICU bundled with Node.js lists them
 * (`Intl.supportedValuesOf('currency')`, from CLDR: 162 codes with ICU 78.2; not `XYZ`, the
 * test codes `XTS`/`XXX`, metals `XAU`, fund codes `BOV`, nor long withdrawn `DEM`; CLDR
 * may still list a code for a while after its withdrawal, e.g. `HRK`). A Node.js upgrade
 * brings ICU's later changes to the list.
 */
const ISO_4217_CODES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code in use, e.g. `TRY`, `BRL` (three capital letters in `ISO_4217_CODES`). */
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { error: 'must be three capital letters (ISO 4217)', abort: true })
  .refine((code) => ISO_4217_CODES.has(code), { error: 'must be an ISO 4217 currency code in use' });

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

/** Largest part of a position: projection and process-manager checkpoints keep each part in a PostgreSQL `bigint`. */
const MAX_POSITION_PART = 2n ** 63n - 1n;

/**
 * A `commit/prepare` position as commands return it: two decimal integers, each at most
 * 2^63 − 1 (a larger one could never be reached: a query would wait for it in vain).
 */
export const position = z
  .string()
  .regex(/^\d{1,20}\/\d{1,20}$/, { error: 'must be a position <commit>/<prepare>', abort: true })
  .refine((p) => p.split('/').every((part) => BigInt(part) <= MAX_POSITION_PART), { error: `each part must be at most ${MAX_POSITION_PART}` });

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
 * Deepest nesting of arrays and objects a JSON body may have (the top-level object is level
 * 1). No command body needs more than about 5; deeper bodies are refused by the JSON body
 * parser (400 `malformed-json`) before anything else reads them.
 */
export const MAX_JSON_DEPTH = 64;

/** A node of parsed JSON on the walk of `prototypePoisoningKeys`, with how it was reached. */
interface JsonNode {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: JsonNode | undefined;
  readonly key: string;
}

/** The dotted path of a node (`payments.0.amount`), built from its parents. */
function pathOf(node: JsonNode): string {
  const keys: string[] = [];
  for (let n: JsonNode | undefined = node; n?.parent; n = n.parent) keys.push(n.key);
  return keys.reverse().join('.');
}

/**
 * Paths (dotted, as `fieldErrors` names them) of the keys in parsed JSON that could poison
 * prototypes: every `__proto__` key, and every `constructor` whose value is an object with a
 * `prototype` key (what secure-json-parse refuses). No schema has such a field, so each is
 * answered as an unknown field. Walks iteratively, shallowest first, in time linear in the
 * number of nodes (a path is built only for a key found).
 * @returns the paths, or [] when there is none
 * @throws HttpProblem 400 `malformed-json` when arrays and objects nest deeper than
 *   `MAX_JSON_DEPTH`
 */
export function prototypePoisoningKeys(value: unknown): string[] {
  const found: string[] = [];
  const queue: JsonNode[] = [{ value, depth: 1, parent: undefined, key: '' }];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (typeof node.value !== 'object' || node.value === null) continue;
    if (node.depth > MAX_JSON_DEPTH) throw jsonTooDeep();
    for (const key of Object.keys(node.value)) {
      const child: JsonNode = { value: (node.value as Record<string, unknown>)[key], depth: node.depth + 1, parent: node, key };
      const poisoned = key === '__proto__' || (key === 'constructor' && typeof child.value === 'object' && child.value !== null && Object.hasOwn(child.value, 'prototype'));
      if (poisoned) found.push(pathOf(child));
      else queue.push(child);
    }
  }
  return found;
}

/** 400 `malformed-json`: a body nested deeper than `MAX_JSON_DEPTH`. */
function jsonTooDeep(): HttpProblem {
  return new HttpProblem(problem('malformed-json', 400, 'Malformed JSON', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`));
}
