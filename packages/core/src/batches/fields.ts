import { z } from 'zod';
import { PERSON_MESSAGES } from '../validation.js';
import type { EntityInput } from './entities.js';
import type { DecimalMark } from './money.js';

/**
 * Row schemas for CSV cells. Every cell is text (or absent when the file has no such column),
 * trimmed, and an empty cell means "no value". Messages name the rule, never echo the value.
 *
 * `csvRow` builds one zod object of optional strings with a single check that applies each
 * field's rule: zod's per-field transforms cost about a microsecond each, which is most of an
 * import's time at a million rows, while one check over the row costs a fraction of that. The
 * Data Manager goes one step further with `rowValidator`, which runs those rules without zod.
 */

/** A rule's verdict that a cell is not valid. */
export class Invalid {
  constructor(readonly message: string) {}
}

/** Turns a cell's text (undefined when absent) into the stored value, or says why it cannot. */
export type CellRule<T> = (text: string | undefined) => T | Invalid;

type RowOf<Rules extends Record<string, CellRule<unknown>>> = {
  [Field in keyof Rules]: Exclude<ReturnType<Rules[Field]>, Invalid>;
};

/** What a row's rules know of the file it came from. */
export interface RowContext {
  /** How the file writes amounts (see {@link schemaForDecimal}). */
  decimal: DecimalMark;
}

/**
 * A row-level rule, run after the field rules on the fields that passed them (`failed` names the
 * others), e.g. a price whose decimals depend on the row's currency.
 */
export type RowRule = (
  row: Record<string, unknown>,
  failed: ReadonlySet<string>,
  report: (field: string, message: string) => void,
  context: RowContext,
) => void;

const NONE: ReadonlySet<string> = new Set();

/** One problem with a row, as the Data Manager reports it: the field and why. */
export interface RowIssue {
  path: PropertyKey[];
  message: string;
}

/** What validating one row gives: `safeParse`'s result, narrowed to what the Data Manager reads. */
export type RowOutcome<Row> = { success: true; data: Row } | { success: false; error: { issues: readonly RowIssue[] } };

export type RowValidator<Row> = (input: EntityInput) => RowOutcome<Row>;

// csvRow's schemas, each with the same validation minus zod's pass over the row.
const direct = new WeakMap<object, RowValidator<unknown>>();
// csvRow's schemas (which read decimal points) → the same rules reading decimal commas.
const commaVariants = new WeakMap<object, z.ZodType<unknown, EntityInput>>();

/**
 * `schema` for a file whose amounts are written with `decimal` marks: a `csvRow` schema's variant
 * with that convention; any other schema as it is (a host's own schema reads cell texts as written).
 */
export function schemaForDecimal<Row>(
  schema: z.ZodType<Row, EntityInput>,
  decimal: DecimalMark,
): z.ZodType<Row, EntityInput> {
  if (decimal === 'point') return schema;
  return (commaVariants.get(schema) as z.ZodType<Row, EntityInput> | undefined) ?? schema;
}

/**
 * How the Data Manager validates rows against `schema`: a `csvRow` schema runs its rules directly
 * (zod's object pass, which only confirms that cell texts are texts, cost about 1.3 s of CPU per
 * million rows of an import); any other schema is zod's `safeParse`.
 */
export function rowValidator<Row>(schema: z.ZodType<Row, EntityInput>): RowValidator<Row> {
  const validate = direct.get(schema) as RowValidator<Row> | undefined;
  return validate ?? ((input) => schema.safeParse(input, PERSON_MESSAGES));
}

export function csvRow<Rules extends Record<string, CellRule<unknown>>, Row = RowOf<Rules>>(
  rules: Rules,
  rowRule?: RowRule,
): z.ZodType<Row, EntityInput> {
  const point = rowSchema<Row>(rules, rowRule, { decimal: 'point' });
  commaVariants.set(point, rowSchema<Row>(rules, rowRule, { decimal: 'comma' }));
  return point;
}

/** A `csvRow` schema whose row rule sees `context`, registered with its direct validator. */
function rowSchema<Row>(
  rules: Record<string, CellRule<unknown>>,
  rowRule: RowRule | undefined,
  context: RowContext,
): z.ZodType<Row, EntityInput> {
  const fields = Object.keys(rules);
  // The rules as a list beside the field names: the loop below runs for every row of a file.
  const ruleList = fields.map((field) => rules[field] as CellRule<unknown>);

  /**
   * Writes each field's value, from its text in `cells`, to `row` and reports the fields that have
   * none. False, at once, on a cell that is neither text nor absent (zod reports those).
   */
  function applyRules(
    cells: Readonly<Record<string, unknown>>,
    row: Record<string, unknown>,
    report: (field: string, message: string) => void,
  ): boolean {
    let failed: Set<string> | undefined;
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index] as string;
      const text = cells[field];
      if (text !== undefined && typeof text !== 'string') return false;
      const value = (ruleList[index] as CellRule<unknown>)(text);
      if (value instanceof Invalid) {
        report(field, value.message);
        failed ??= new Set();
        failed.add(field);
      } else {
        row[field] = value;
      }
    }
    rowRule?.(row, failed ?? NONE, report, context);
    return true;
  }

  const shape = Object.fromEntries(fields.map((field) => [field, z.string().optional()]));
  const schema = z.object(shape).check((ctx) => {
    const row = ctx.value as Record<string, unknown>;
    applyRules(row, row, (field, message) => {
      ctx.issues.push({ code: 'custom', path: [field], message, input: row[field] });
    });
  }) as unknown as z.ZodType<Row, EntityInput>;

  direct.set(schema, (input) => {
    if (typeof input !== 'object' || input === null) return schema.safeParse(input, PERSON_MESSAGES);
    // A new object with only the rule fields, as zod's object keeps them.
    const row: Record<string, unknown> = {};
    let issues: RowIssue[] | undefined;
    const valid = applyRules(input, row, (field, message) => {
      issues ??= [];
      issues.push({ path: [field], message });
    });
    if (!valid) return schema.safeParse(input, PERSON_MESSAGES);
    return issues ? { success: false, error: { issues } } : { success: true, data: row as Row };
  });
  return schema;
}

const REQUIRED = new Invalid('is required');

export function requiredText(max: number): CellRule<string> {
  const tooLong = new Invalid(`must be at most ${max} characters`);
  return (text) => {
    const value = text?.trim();
    if (!value) return REQUIRED;
    return value.length > max ? tooLong : value;
  };
}

export function optionalText(max: number): CellRule<string | null> {
  const tooLong = new Invalid(`must be at most ${max} characters`);
  return (text) => {
    const value = text?.trim();
    if (!value) return null;
    return value.length > max ? tooLong : value;
  };
}

const INTEGER = /^[+-]?\d{1,12}$/;
const NOT_INTEGER = new Invalid('must be a whole number');

/** Up to 12 digits and nothing else (the common cell), read without trimming or a regex; else -1. */
function plainDigits(text: string): number {
  if (text.length === 0 || text.length > 12) return -1;
  let number = 0;
  for (let index = 0; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** An optional whole number ("12", "-3"; spreadsheets' "12.0" too). */
export const optionalInteger: CellRule<number | null> = (text) => {
  const plain = text === undefined ? -1 : plainDigits(text);
  if (plain !== -1) return plain;
  const value = text?.trim();
  if (!value) return null;
  const whole = value.endsWith('.0') ? value.slice(0, -2) : value;
  return INTEGER.test(whole) ? Number(whole) : NOT_INTEGER;
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NOT_EMAIL = new Invalid('must be an email address');

export const optionalEmail: CellRule<string | null> = (text) => {
  const value = text?.trim();
  if (!value) return null;
  return value.length <= 254 && EMAIL.test(value) ? value : NOT_EMAIL;
};
