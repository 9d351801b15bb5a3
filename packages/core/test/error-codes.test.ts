import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ApiKeyConnector, declareErrorCodes, type OAuthConnector } from '../src/connector.js';
import { ErrorCodeRegistry } from '../src/error-codes.js';
import { type Connector, ERROR_STATUS, toErrorBody } from '../src/index.js';

const posErrors = declareErrorCodes({
  POS_KEY_REFUSED: { status: 400, meaning: 'the POS refused the key' },
  POS_NOT_CONNECTED: { status: 409, meaning: 'no POS connected' },
  POS_DOWN_FOR_GOOD: { status: 502, meaning: 'the POS closed its API' },
});

function apiKeyConnector(overrides: Partial<ApiKeyConnector> = {}): Connector {
  return {
    id: 'pos',
    displayName: 'Example POS',
    kind: 'api_key',
    credentialsSchema: z.object({ api_key: z.string() }),
    credentialFields: [{ name: 'api_key', label: 'API key', secret: true, required: true }],
    verify: async ({ api_key }: { api_key: string }) => ({ secret: { api_key }, publicData: {} }),
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
    ...overrides,
  };
}

function oauthConnector(overrides: Partial<OAuthConnector>): Connector {
  return {
    id: 'shop',
    displayName: 'Example Shop',
    kind: 'oauth',
    stateInvalidCode: 'SHOP_STATE_INVALID',
    oauthFailedCode: 'SHOP_OAUTH_FAILED',
    authorizationUrl: (state: string) => `https://shop.example.com/authorize?state=${state}`,
    exchange: async () => ({ secret: { token: 't' }, publicData: {} }),
    summary: async () => ({}),
    test: async () => ({ message: 'ok' }),
    ...overrides,
  };
}

describe('declareErrorCodes', () => {
  it("throws a connector's code with its declared status, and keeps the other options", () => {
    const error = posErrors.error('POS_DOWN_FOR_GOOD', 'The POS API is gone.', {
      details: { http_status: 410 },
      needsReconnect: true,
    });
    expect(error).toMatchObject({ code: 'POS_DOWN_FOR_GOOD', status: 502, needsReconnect: true });
    expect(toErrorBody(error)).toEqual({
      status: 502,
      body: {
        success: false,
        message: 'The POS API is gone.',
        error_code: 'POS_DOWN_FOR_GOOD',
        details: { http_status: 410 },
      },
    });
    expect(posErrors.error('POS_NOT_CONNECTED', 'Connect first.').status).toBe(409);
  });
});

describe('ErrorCodeRegistry', () => {
  it("knows core's generic codes and the codes of the configured connectors, with their statuses", () => {
    const registry = new ErrorCodeRegistry([
      apiKeyConnector({ errorCodes: posErrors.table, notConnectedCode: 'POS_NOT_CONNECTED' }),
    ]);
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(registry.status(code)).toBe(status);
    expect(registry.status('POS_DOWN_FOR_GOOD')).toBe(502);
    expect(registry.declared('POS_KEY_REFUSED')).toEqual({
      status: 400,
      meaning: 'the POS refused the key',
      provider: 'pos',
    });
    expect(registry.declared('RATE_LIMITED')).toBeUndefined();
    expect(registry.codes()).toEqual([...Object.keys(ERROR_STATUS), ...Object.keys(posErrors.table)]);
    expect(new ErrorCodeRegistry([]).status('POS_KEY_REFUSED')).toBeUndefined();
  });

  it('refuses a code that is not upper case or redefines a generic one', () => {
    expect(
      () => new ErrorCodeRegistry([apiKeyConnector({ errorCodes: { pos_refused: { status: 400, meaning: 'x' } } })]),
    ).toThrow(/declares the error code "pos_refused": use upper case/);
    expect(
      () => new ErrorCodeRegistry([apiKeyConnector({ errorCodes: { RATE_LIMITED: { status: 400, meaning: 'x' } } })]),
    ).toThrow(/declares "RATE_LIMITED", which is already answered with 429/);
  });

  it('lets two connectors share a code with one status, never with two', () => {
    const shared = { POS_KEY_REFUSED: { status: 400, meaning: 'refused' } };
    const registry = new ErrorCodeRegistry([
      apiKeyConnector({ errorCodes: shared }),
      apiKeyConnector({ id: 'pos2', errorCodes: shared }),
    ]);
    expect(registry.status('POS_KEY_REFUSED')).toBe(400);
    expect(
      () =>
        new ErrorCodeRegistry([
          apiKeyConnector({ errorCodes: shared }),
          apiKeyConnector({ id: 'pos2', errorCodes: { POS_KEY_REFUSED: { status: 401, meaning: 'refused' } } }),
        ]),
    ).toThrow(/"pos2" declares "POS_KEY_REFUSED", which is already answered with 400/);
  });

  it('holds a connector that declares codes to the codes it names for core, with the status core answers', () => {
    const shopErrors = declareErrorCodes({
      SHOP_STATE_INVALID: { status: 400, meaning: 'bad state' },
      SHOP_OAUTH_FAILED: { status: 400, meaning: 'declined' },
      SHOP_TOKEN_EXPIRED: { status: 409, meaning: 'connect again' },
    });
    expect(
      new ErrorCodeRegistry([
        oauthConnector({ errorCodes: shopErrors.table, tokenExpiredCode: 'SHOP_TOKEN_EXPIRED' }),
      ]).status('SHOP_TOKEN_EXPIRED'),
    ).toBe(409);
    expect(
      () => new ErrorCodeRegistry([oauthConnector({ errorCodes: shopErrors.table, tokenExpiredCode: 'SHOP_GONE' })]),
    ).toThrow(/"shop" names "SHOP_GONE" as its tokenExpiredCode: declare it with status 409/);
    expect(
      () =>
        new ErrorCodeRegistry([
          oauthConnector({ errorCodes: shopErrors.table, tokenExpiredCode: 'SHOP_OAUTH_FAILED' }),
        ]),
    ).toThrow(/names "SHOP_OAUTH_FAILED" as its tokenExpiredCode: declare it with status 409/);
    expect(
      () =>
        new ErrorCodeRegistry([
          apiKeyConnector({
            errorCodes: posErrors.table,
            account: { accountId: () => 'a', inUseCode: 'POS_KEY_REFUSED', label: 'POS account' },
          }),
        ]),
    ).toThrow(/names "POS_KEY_REFUSED" as its account.inUseCode: declare it with status 409/);
    // A generic code serves a role when its status is the role's.
    expect(
      new ErrorCodeRegistry([
        apiKeyConnector({ errorCodes: posErrors.table, notConnectedCode: 'NOT_CONNECTED' }),
      ]).status('NOT_CONNECTED'),
    ).toBe(409);
    // A connector that declares nothing is taken as it is (its codes answer 400 unless it says otherwise).
    expect(new ErrorCodeRegistry([oauthConnector({})]).status('SHOP_STATE_INVALID')).toBeUndefined();
  });
});
