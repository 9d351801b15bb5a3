import { describe, expect, it } from 'vitest';
import { parseRetryAfter, withRetries } from '../src/connector.js';
import { IntegrationError } from '../src/index.js';

describe('withRetries', () => {
  const policy = { attempts: 3, baseDelayMs: 10, maxDelayMs: 2_000 };

  it('retries rate limits and outages, honouring Retry-After, up to the attempt limit', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw new IntegrationError('RATE_LIMITED', 'slow', { retryAfter: 1 });
        if (calls === 2) throw new IntegrationError('PROVIDER_UNAVAILABLE', 'down');
        return 'ok';
      },
      policy,
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(result).toBe('ok');
    expect(waits[0]).toBe(1000);
    expect(waits).toHaveLength(2);

    let failures = 0;
    await expect(
      withRetries(
        async () => {
          failures += 1;
          throw new IntegrationError('PROVIDER_UNAVAILABLE', 'down');
        },
        policy,
        async () => {},
      ),
    ).rejects.toThrow('down');
    expect(failures).toBe(3);
  });

  it('does not retry other errors or waits longer than the policy allows', async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw new IntegrationError('SQUARE_INVALID_TOKEN', 'bad');
        },
        policy,
        async () => {},
      ),
    ).rejects.toThrow('bad');
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw new IntegrationError('RATE_LIMITED', 'later', { retryAfter: 60 });
        },
        policy,
        async () => {},
      ),
    ).rejects.toThrow('later');
    expect(calls).toBe(2);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('5')).toBe(5);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', new Date('2015-10-21T07:28:00Z'))).toBe(10);
  });
});
