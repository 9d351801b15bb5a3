import { z } from 'zod';

/**
 * Field schemas for CSV cells: every input is text (or absent when the file has no such column),
 * trimmed, and an empty cell means "no value". Messages name the rule, never echo the value.
 *
 * They normalise with `.overwrite()` and validate with `.check()` rather than `.transform()`:
 * zod runs those several times faster, which matters at a million rows per upload.
 */

type Cell = z.core.ParsePayload<unknown>;

function fail(ctx: Cell, message: string): void {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
}

/** A cell that must hold text: trimmed, non-empty, at most `max` characters. */
export function requiredText(max: number): z.ZodType<string, string> {
  return z
    .string({ error: 'is required' })
    .overwrite((value) => value.trim())
    .check((ctx) => {
      if (ctx.value === '') fail(ctx, 'is required');
      else if (ctx.value.length > max) fail(ctx, `must be at most ${max} characters`);
    });
}

function optionalCell<T>(convert: (text: string, ctx: Cell) => T): z.ZodType<T | null, string | undefined> {
  const schema = z
    .string()
    .optional()
    // An empty cell becomes null; otherwise the trimmed text is converted (and checked).
    .overwrite((value) => value as string | undefined)
    .check((ctx) => {
      const text = (ctx.value as string | undefined)?.trim();
      (ctx as Cell).value = text ? convert(text, ctx as Cell) : null;
    });
  return schema as unknown as z.ZodType<T | null, string | undefined>;
}

/** Optional text: null when empty, at most `max` characters. */
export function optionalText(max: number): z.ZodType<string | null, string | undefined> {
  return optionalCell((text, ctx) => {
    if (text.length > max) fail(ctx, `must be at most ${max} characters`);
    return text;
  });
}

const INTEGER = /^[+-]?\d{1,12}$/;

/** An optional whole number ("12", "-3"; spreadsheets' "12.0" too). */
export const optionalInteger = optionalCell<number>((text, ctx) => {
  const whole = text.endsWith('.0') ? text.slice(0, -2) : text;
  if (!INTEGER.test(whole)) fail(ctx, 'must be a whole number');
  return Number(whole);
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const optionalEmail = optionalCell<string>((text, ctx) => {
  if (text.length > 254 || !EMAIL.test(text)) fail(ctx, 'must be an email address');
  return text;
});
