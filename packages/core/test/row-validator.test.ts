import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowValidator } from '../src/batches/fields.js';
import {
  CUSTOMER_COLUMNS,
  customerSchema,
  PERSON_MESSAGES,
  PRODUCT_COLUMNS,
  productSchema,
  ZOD_WORDING,
} from '../src/index.js';

// Cells as real files have them: blanks, padding, numbers in several spellings, currency codes,
// e-mail addresses, over-long texts; now and then a value that is not text at all.
const cell = fc.oneof(
  fc.constantFrom('', ' ', '  12 ', '0', '12.0', '-3', '1e3', '12.345', '9.99', '1,000.00', 'abc'),
  fc.constantFrom('USD', 'usd', 'JPY', 'KWD', 'EUR ', 'XXX1', 'BHD', '€'),
  fc.constantFrom('a@b.co', 'not an email', 'x@y', ' ana@example.com '),
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 60, maxLength: 300 }),
);
const notText = fc.constantFrom(12, null, true, { nested: 'object' });

function inputs(fields: readonly string[]) {
  const value = fc.oneof({ weight: 20, arbitrary: cell }, { weight: 1, arbitrary: notText });
  return fc.record(Object.fromEntries([...fields, 'unknown_column'].map((field) => [field, value])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string | undefined>>;
}

/** What the Data Manager reads of a result: success, the row, and each issue's field and message. */
function reading(result: ReturnType<ReturnType<typeof rowValidator>>) {
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
  };
}

describe('rowValidator', () => {
  it.each([
    ['products', productSchema, PRODUCT_COLUMNS],
    ['customers', customerSchema, CUSTOMER_COLUMNS],
  ] as const)(
    'validates %s rows exactly as the zod schema does, in words for people',
    (_name, entitySchema, fields) => {
      const schema = entitySchema as z.ZodType<Record<string, unknown>, Record<string, string | undefined>>;
      const validate = rowValidator(schema);
      fc.assert(
        fc.property(inputs(fields), (input) => {
          const direct = reading(validate(structuredClone(input)));
          expect(direct).toEqual(reading(schema.safeParse(structuredClone(input), PERSON_MESSAGES)));
          for (const issue of direct.issues ?? []) expect(issue.message).not.toMatch(ZOD_WORDING);
        }),
        { numRuns: 2000 },
      );
    },
  );

  it('leaves columns the schema does not know out of the row', () => {
    const result = rowValidator(productSchema)({ sku: 'A-1', name: 'Mug', price: '4.50', currency: 'USD', extra: 'x' });
    expect(result).toEqual({
      success: true,
      data: {
        sku: 'A-1',
        name: 'Mug',
        price: 450,
        currency: 'USD',
        category: null,
        stock: null,
        barcode: null,
        description: null,
      },
    });
  });

  it("uses zod's safeParse for a schema of the host's own", () => {
    const schema = z.object({ code: z.string().min(2) });
    const validate = rowValidator(schema);
    expect(validate({ code: 'AB' })).toEqual({ success: true, data: { code: 'AB' } });
    const failed = validate({ code: 'A' });
    expect(failed.success).toBe(false);
    expect(!failed.success && failed.error.issues[0]?.path).toEqual(['code']);
  });
});
