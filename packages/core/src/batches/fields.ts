import { z } from 'zod';
import type { EntityInput } from './entities.js';

/**
 * Row schemas for CSV cells. Every cell is text (or absent when the file has no such column),
 * trimmed, and an empty cell means "no value". Messages name the rule, never echo the value.
 *
 * `csvRow` builds one zod object of optional strings with a single check that applies each
 * field's rule: zod's per-field transforms cost about a microsecond each, which is most of an
 * import's time at a million rows, while one check over the row costs a fraction of that.
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

/**
 * A row-level rule, run after the field rules on the fields that passed them (`failed` names the
 * others), e.g. a price whose decimals depend on the row's currency.
 */
export type RowRule = (
  row: Record<string, unknown>,
  failed: ReadonlySet<string>,
  report: (field: string, message: string) => void,
) => void;

const NONE: ReadonlySet<string> = new Set();

export function csvRow<Rules extends Record<string, CellRule<unknown>>, Row = RowOf<Rules>>(
  rules: Rules,
  rowRule?: RowRule,
): z.ZodType<Row, EntityInput> {
  const fields = Object.keys(rules);
  // The rules as a list beside the field names: the loop below runs for every row of a file.
  const ruleList = fields.map((field) => rules[field] as CellRule<unknown>);
  const shape = Object.fromEntries(fields.map((field) => [field, z.string().optional()]));
  return z.object(shape).check((ctx) => {
    const row = ctx.value as Record<string, unknown>;
    let failed: Set<string> | undefined;
    const report = (field: string, message: string) => {
      ctx.issues.push({ code: 'custom', path: [field], message, input: row[field] });
    };
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index] as string;
      const value = (ruleList[index] as CellRule<unknown>)(row[field] as string | undefined);
      if (value instanceof Invalid) {
        report(field, value.message);
        failed ??= new Set();
        failed.add(field);
      } else {
        row[field] = value;
      }
    }
    rowRule?.(row, failed ?? NONE, report);
  }) as unknown as z.ZodType<Row, EntityInput>;
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
