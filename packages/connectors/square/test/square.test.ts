import { IntegrationError } from '@pos/integrations-core/connector';
import {
  SQUARE_LOCATION_ID,
  SQUARE_PRODUCTION,
  SQUARE_TOKEN,
  squareErrorBody,
  squareHandlers,
  squareLocation,
  useProviderMock,
} from '@pos/test-support';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { square } from '../src/index.js';
import { context, credentials } from './fixtures.js';

const mock = useProviderMock(...squareHandlers());
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2_000 };
const locationUrl = `${SQUARE_PRODUCTION}/v2/locations/:locationId`;

describe('Square connector', () => {
  it('verifies credentials against the live location and keeps only the token secret', async () => {
    const connector = square({ retry: fastRetry });
    const result = await connector.verify(
      { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID, environment: 'production' },
      context,
    );
    expect(result.secret).toEqual({ access_token: SQUARE_TOKEN });
    expect(result.publicData).toMatchObject({
      location_id: SQUARE_LOCATION_ID,
      location_name: 'Main St',
      merchant_id: 'MLXYZ123',
    });
    expect(JSON.stringify(result.publicData)).not.toContain(SQUARE_TOKEN);
  });

  it('maps a bad token and an unknown location to the seed codes', async () => {
    const connector = square({ retry: fastRetry });
    await expect(
      connector.verify(
        { access_token: 'EAAAwrongtoken0000000000', location_id: SQUARE_LOCATION_ID, environment: 'production' },
        context,
      ),
    ).rejects.toMatchObject({ code: 'SQUARE_INVALID_TOKEN', needsReconnect: true });
    await expect(
      connector.verify({ access_token: SQUARE_TOKEN, location_id: 'LUNKNOWN', environment: 'production' }, context),
    ).rejects.toMatchObject({ code: 'SQUARE_LOCATION_NOT_FOUND' });
  });

  it('uses the sandbox host for sandbox credentials and SQUARE_BASE_URL when set', async () => {
    mock.use(...squareHandlers('https://connect.squareupsandbox.com', squareLocation({ name: 'Sandbox' })));
    mock.use(...squareHandlers('http://square.test:4010', squareLocation({ name: 'Mock server' })));
    const sandbox = await square().summary(
      { ...credentials, publicData: { ...credentials.publicData, environment: 'sandbox' } },
      context,
    );
    expect(sandbox.location_name).toBe('Sandbox');
    const overridden = await square({ baseUrl: 'http://square.test:4010' }).summary(credentials, context);
    expect(overridden.location_name).toBe('Mock server');
  });

  it('retries 429 honouring Retry-After and 5xx, within bounds', async () => {
    let calls = 0;
    mock.use(
      http.get(locationUrl, () => {
        calls += 1;
        if (calls === 1) {
          return HttpResponse.json(squareErrorBody('RATE_LIMIT_ERROR', 'RATE_LIMITED'), {
            status: 429,
            headers: { 'Retry-After': '0' },
          });
        }
        if (calls === 2)
          return HttpResponse.json(squareErrorBody('API_ERROR', 'INTERNAL_SERVER_ERROR'), { status: 503 });
        return HttpResponse.json({ location: squareLocation() });
      }),
    );
    await expect(square({ retry: fastRetry }).test(credentials, context)).resolves.toMatchObject({
      message: expect.stringContaining('Main St'),
    });
    expect(calls).toBe(3);

    calls = 0;
    mock.use(
      http.get(locationUrl, () => {
        calls += 1;
        return HttpResponse.json(squareErrorBody('RATE_LIMIT_ERROR', 'RATE_LIMITED'), {
          status: 429,
          headers: { 'Retry-After': '120' },
        });
      }),
    );
    await expect(square({ retry: fastRetry }).test(credentials, context)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 120,
    });
    expect(calls).toBe(1);
  });

  it('reports network failures and timeouts as PROVIDER_UNAVAILABLE', async () => {
    mock.use(http.get(locationUrl, () => HttpResponse.error()));
    await expect(square({ retry: fastRetry }).test(credentials, context)).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
    });
    mock.use(
      http.get(locationUrl, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return HttpResponse.json({ location: squareLocation() });
      }),
    );
    await expect(
      square({ retry: { ...fastRetry, attempts: 1 }, timeoutSeconds: 0.2 }).test(credentials, context),
    ).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });
});

// Every final status a body may accompany: 1xx, 204, 205 and 304 carry none, and redirects
// (301, 302, 303, 307, 308) are followed by fetch rather than answered.
const statusCodes = fc
  .integer({ min: 200, max: 599 })
  .filter((status) => ![204, 205, 301, 302, 303, 304, 307, 308].includes(status));

describe('Property 5: connection test accuracy', () => {
  it('succeeds exactly when Square answers 2xx, and otherwise says why', async () => {
    await fc.assert(
      fc.asyncProperty(statusCodes, async (status) => {
        mock.use(
          http.get(locationUrl, () =>
            status < 300
              ? HttpResponse.json({ location: squareLocation() }, { status })
              : HttpResponse.json(squareErrorBody('API_ERROR', 'SIMULATED'), { status }),
          ),
        );
        const outcome = await square({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } })
          .test(credentials, context)
          .then(
            () => ({ success: true as const }),
            (error: unknown) => ({ success: false as const, error }),
          );
        expect(outcome.success).toBe(status >= 200 && status < 300);
        if (!outcome.success) {
          expect(outcome.error).toBeInstanceOf(IntegrationError);
          expect((outcome.error as IntegrationError).message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('Property 6: the summary comes from the provider response', () => {
  const text = fc.string({ minLength: 1, maxLength: 40 }).filter((value) => value.trim() === value && value.length > 0);
  it('reports the name, address and capabilities Square returned', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        text,
        text,
        fc.subarray(['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS', 'UNLINKED_REFUNDS']),
        async (name, street, city, capabilities) => {
          mock.use(
            ...squareHandlers(
              SQUARE_PRODUCTION,
              squareLocation({
                name,
                capabilities,
                address: { address_line_1: street, locality: city, country: 'US' },
              }),
            ),
          );
          const summary = await square().summary(credentials, context);
          expect(summary.location_name).toBe(name);
          expect(summary.address).toBe(`${street}, ${city}, US`);
          expect(summary.capabilities).toEqual(capabilities);
        },
      ),
      { numRuns: 60 },
    );
  });
});
