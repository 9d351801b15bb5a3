import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IntegrationError, parseInput, toErrorBody } from '../src/index.js';
import { ZOD_WORDING } from '../src/validation.js';

/** What a caller sees of a failed parse: the message and the listed problems. */
function failure(schema: z.ZodType<unknown, unknown>, value: unknown, what = 'request body') {
  try {
    parseInput(schema, value, what);
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationError);
    const { status, body } = toErrorBody(error);
    expect(status).toBe(400);
    expect(body.error_code).toBe('VALIDATION_FAILED');
    expect(body.message).not.toMatch(ZOD_WORDING);
    return { message: body.message, issues: body.details?.issues };
  }
  throw new Error('the value was accepted');
}

describe('validation messages for people', () => {
  it('invalid_type: a missing field is required, a wrong one names the type', () => {
    const schema = z.object({
      access_token: z.string(),
      count: z.number(),
      on: z.boolean(),
      rows: z.array(z.string()),
    });
    expect(failure(schema, {}).message).toBe(
      'access_token is required; count is required; on is required; and 1 more problem (see details.issues).',
    );
    const wrong = failure(schema, { access_token: 42, count: 'x', on: 1, rows: {} });
    expect(wrong.issues).toEqual([
      { field: 'access_token', message: 'must be text' },
      { field: 'count', message: 'must be a number' },
      { field: 'on', message: 'must be true or false' },
      { field: 'rows', message: 'must be a list' },
    ]);
    expect(failure(z.object({ n: z.number().int() }), { n: 1.5 }).message).toBe('n must be a whole number.');
  });

  it('root problems name the thing, not "(root)"', () => {
    expect(failure(z.object({ a: z.string() }), [], 'request body').message).toBe(
      'The request body must be a JSON object.',
    );
    expect(failure(z.string().regex(/^b_/, 'is not a batch id'), 'nope', 'id in the path').message).toBe(
      'The id in the path is not a batch id.',
    );
    const optionalBody = z.union([z.undefined(), z.object({ retry_failed: z.boolean().optional() }).strict()]);
    expect(failure(optionalBody, 'text').message).toBe('The request body must be a JSON object.');
    expect(failure(optionalBody, { retry_failed: 'yes' }).message).toBe('retry_failed must be true or false.');
  });

  it('too_big / too_small: numbers with thousands separators, lengths in characters, lists in items', () => {
    const schema = z.object({
      count: z.number().max(100_000).optional(),
      low: z.number().min(1).optional(),
      below: z.number().lt(5).optional(),
      name: z.string().max(40).optional(),
      code: z.string().min(1).optional(),
      tags: z.array(z.string()).max(2).optional(),
      some: z.array(z.string()).min(1).optional(),
    });
    expect(failure(schema, { count: 200_000 }).message).toBe('count must be at most 100,000.');
    expect(failure(schema, { low: 0 }).message).toBe('low must be at least 1.');
    expect(failure(schema, { below: 9 }).message).toBe('below must be less than 5.');
    expect(failure(schema, { name: 'x'.repeat(41) }).message).toBe('name must be at most 40 characters.');
    expect(failure(schema, { code: '' }).message).toBe('code is required.');
    expect(failure(schema, { tags: ['a', 'b', 'c'] }).message).toBe('tags must have at most 2 items.');
    expect(failure(schema, { some: [] }).message).toBe('some must have at least one item.');
  });

  it('invalid_format: known formats by name, a schema message when it gives one', () => {
    expect(failure(z.object({ email: z.email() }), { email: 'nope' }).message).toBe('email must be an email address.');
    expect(failure(z.object({ site: z.url() }), { site: 'nope' }).message).toBe('site must be a URL.');
    expect(failure(z.object({ sku: z.string().regex(/^[A-Z]+$/) }), { sku: 'a1' }).message).toBe(
      'sku is not in the expected format.',
    );
    expect(
      failure(z.object({ currency: z.string().regex(/^[A-Z]{3}$/, 'must be a currency code such as USD') }), {
        currency: 'euro',
      }).message,
    ).toBe('currency must be a currency code such as USD.');
  });

  it('invalid_value: enums and literals list what is allowed', () => {
    expect(failure(z.object({ level: z.enum(['info', 'warning', 'error']) }), { level: 'debug' }).message).toBe(
      'level must be one of info, warning, error.',
    );
    expect(failure(z.object({ kind: z.literal('sale') }), { kind: 'refund' }).message).toBe('kind must be sale.');
  });

  it('unrecognized_keys: each unknown field is named', () => {
    const result = failure(z.object({ a: z.string() }).strict(), { a: 'x', admin: true, role: 'owner' });
    expect(result.issues).toEqual([
      { field: 'admin', message: 'is not a field this accepts' },
      { field: 'role', message: 'is not a field this accepts' },
    ]);
    expect(result.message).toBe('admin is not a field this accepts; role is not a field this accepts.');
  });

  it('custom: the schema writes its own message; without one it says the field is not valid', () => {
    const schema = z.object({
      code: z.string().refine((value) => value !== 'x', 'is not an ISO 4217 currency'),
      other: z.string().refine((value) => value !== 'x'),
    });
    expect(failure(schema, { code: 'x', other: 'y' }).message).toBe('code is not an ISO 4217 currency.');
    expect(failure(schema, { code: 'y', other: 'x' }).message).toBe('other is not valid.');
  });

  it('joins paths with dots and shows list positions, and never echoes the value', () => {
    const schema = z.object({ rows: z.array(z.object({ sku: z.string().max(3) })) });
    const result = failure(schema, { rows: [{ sku: 'ok' }, { sku: 'ok' }, { sku: 'SECRET-VALUE' }] });
    expect(result.message).toBe('rows[2].sku must be at most 3 characters.');
    expect(JSON.stringify(result)).not.toContain('SECRET-VALUE');
  });

  it('rewrites a ZodError thrown without the mapping, too', () => {
    const parsed = z.object({ access_token: z.string(), n: z.number().max(100_000) }).safeParse({ n: 100_001 });
    expect(parsed.success).toBe(false);
    const { body } = toErrorBody(parsed.error);
    expect(body.message).toBe('access_token is required; n must be at most 100,000.');
  });
});
