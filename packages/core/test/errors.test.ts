import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IntegrationError, toErrorBody } from '../src/index.js';

describe('toErrorBody', () => {
  it('keeps the code, status and details of an IntegrationError', () => {
    const error = new IntegrationError('RATE_LIMITED', 'Slow down.', {
      details: { provider: 'square' },
      retryAfter: 3,
    });
    expect(toErrorBody(error)).toEqual({
      status: 429,
      retryAfter: 3,
      body: { success: false, message: 'Slow down.', error_code: 'RATE_LIMITED', details: { provider: 'square' } },
    });
    expect(toErrorBody(new IntegrationError('SQUARE_INVALID_TOKEN', 'Bad token')).status).toBe(400);
    expect(toErrorBody(new IntegrationError('SUPABASE_INVALID_CREDENTIALS', 'x', { status: 400 })).status).toBe(400);
  });

  it('turns schema failures into VALIDATION_FAILED naming the fields, not the values', () => {
    const result = z.object({ access_token: z.string() }).safeParse({ access_token: 12345678 });
    expect(result.success).toBe(false);
    const { status, body } = toErrorBody(result.error);
    expect(status).toBe(400);
    expect(body.error_code).toBe('VALIDATION_FAILED');
    expect(body.message).toContain('access_token');
    expect(JSON.stringify(body)).not.toContain('12345678');
  });

  it('hides the text of unexpected errors', () => {
    const { status, body } = toErrorBody(new Error('connection to db failed with password hunter2'));
    expect(status).toBe(500);
    expect(body).toEqual({ success: false, message: 'An unexpected error occurred.', error_code: 'INTERNAL_ERROR' });
  });
});
