import { z } from 'zod';

/** Stripe's largest amount for most currencies (8 digits of minor units). */
export const MAX_PAYMENT_AMOUNT = 99_999_999;
export const MAX_PAYMENT_PAGE = 100;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency').map((code) => code.toLowerCase()));

/** A POS order id: it travels in URLs, provider metadata and `client_reference_id` (≤ 200). */
export const orderIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:#-]*$/, 'must be letters, digits and . _ : # - (starting with a letter or digit)');

/** A positive amount in integer minor units, at most {@link MAX_PAYMENT_AMOUNT}. */
export const minorAmountSchema = z
  .number()
  .int('must be a whole number of minor units (cents)')
  .min(1, 'must be at least 1')
  .max(MAX_PAYMENT_AMOUNT, `must be at most ${MAX_PAYMENT_AMOUNT}`);

/** An ISO 4217 code in either case, read as lower case (`USD` → `usd`). */
export const currencyCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as usd')
  .transform((code) => code.toLowerCase())
  .refine((code) => CURRENCIES.has(code), 'is not an ISO 4217 currency');

export const checkoutSessionInput = z
  .object({ order_id: orderIdSchema, amount: minorAmountSchema, currency: currencyCodeSchema })
  .strict();

export type CheckoutSessionInput = z.input<typeof checkoutSessionInput>;

export const paymentStatusSchema = z.enum([
  'pending',
  'paid',
  'expired',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
  'disputed',
]);

const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter ISO 4217 code such as usd')
  .transform((code) => code.toLowerCase());

/** A refund request: the amount in minor units (default: what remains), optionally the currency it is in and why. */
export const refundInput = z
  .object({
    amount: z
      .number()
      .int('must be a whole number of minor units (cents)')
      .min(1, 'must be at least 1')
      .max(MAX_PAYMENT_AMOUNT, `must be at most ${MAX_PAYMENT_AMOUNT}`)
      .optional(),
    currency: currencyCode.optional(),
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
  })
  .strict();

export type RefundInput = z.input<typeof refundInput>;

/** A client's `Idempotency-Key` header: printable, at most 255 characters. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces');

export const paymentListInput = z
  .object({
    status: paymentStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAYMENT_PAGE).optional(),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor value from an earlier page')
      .optional(),
  })
  .strip();

export type PaymentListInput = z.input<typeof paymentListInput>;
