import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CUSTOMER_COLUMNS, customerSchema } from '../src/batches/customers.js';
import { rowValidator, schemaForDecimal } from '../src/batches/fields.js';
import { PRODUCT_COLUMNS, productSchema } from '../src/batches/products.js';
import { PERSON_MESSAGES, ZOD_WORDING } from '../src/validation.js';

// Cells as real files have them: blanks, padding, numbers in several spellings, currency codes,
// e-mail addresses, over-long texts; now and then a value that is not text at all.
const cell = fc.oneof(
  fc.constantFrom('', ' ', '  12 ', '0', '12.0', '-3', '1e3', '12.345', '9.99', '1,000.00', 'abc'),
  // Amounts with decimal commas and thousands separators of either convention.
  fc.constantFrom('9,99', '12,5', '1.234,56', '1 234,56', '1\u00a0234', '1.234', '1,234', '€ 9,99', '9,99 €', '1,2,3'),
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
    ['products', productSchema, PRODUCT_COLUMNS, 'point'],
    ['products', productSchema, PRODUCT_COLUMNS, 'comma'],
    ['customers', customerSchema, CUSTOMER_COLUMNS, 'point'],
    ['customers', customerSchema, CUSTOMER_COLUMNS, 'comma'],
  ] as const)(
    'validates %s rows with decimal %s marks exactly as the zod schema does, in words for people',
    (_name, entitySchema, fields, decimal) => {
      const schema = schemaForDecimal(
        entitySchema as z.ZodType<Record<string, unknown>, Record<string, string | undefined>>,
        decimal,
      );
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

  it('reads prices in the decimal convention its schema was chosen for', () => {
    const row = { sku: 'A-1', name: 'Mug', price: '1.234,50', currency: 'EUR' };
    const comma = schemaForDecimal(productSchema, 'comma');
    expect(comma).not.toBe(productSchema);
    expect(rowValidator(comma)(row)).toMatchObject({ success: true, data: { price: 123450 } });
    expect(comma.safeParse(row)).toMatchObject({ success: true, data: { price: 123450 } });
    const point = rowValidator(schemaForDecimal(productSchema, 'point'))(row);
    expect(point.success).toBe(false);
    expect(!point.success && point.error.issues[0]?.message).toMatch(/^is not an amount with a decimal point/);
  });

  it("uses zod's safeParse for a schema of the host's own", () => {
    const schema = z.object({ code: z.string().min(2) });
    // A host's schema reads cell texts as written, in either convention.
    expect(schemaForDecimal(schema, 'comma')).toBe(schema);
    const validate = rowValidator(schema);
    expect(validate({ code: 'AB' })).toEqual({ success: true, data: { code: 'AB' } });
    const failed = validate({ code: 'A' });
    expect(failed.success).toBe(false);
    expect(!failed.success && failed.error.issues[0]?.path).toEqual(['code']);
  });
});
