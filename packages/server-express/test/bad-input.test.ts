import { square } from '@pos/connector-square';
import { SQUARE_LOCATION_ID, SQUARE_TOKEN, squareHandlers, useProviderMock } from '@pos/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot, startTestServer, type TestServer } from './harness.js';

useProviderMock(...squareHandlers());

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ connectors: [square()], jsonLimit: '8kb' });
  // One connected tenant, so "changes nothing" has something to keep.
  await server.as('tenant-a')('POST', '/api/integrations/square/credentials', {
    body: { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID },
  });
});
afterAll(() => server.close());

const credentialsPath = '/api/integrations/square/credentials';
const cases: Array<{
  name: string;
  method: string;
  path: string;
  body?: unknown;
  token?: string | null;
  status: number;
  code: string;
}> = [
  {
    name: 'malformed JSON',
    method: 'POST',
    path: credentialsPath,
    body: '{"access_token": ',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  { name: 'a JSON array', method: 'POST', path: credentialsPath, body: [], status: 400, code: 'VALIDATION_FAILED' },
  {
    name: 'wrong types',
    method: 'POST',
    path: credentialsPath,
    body: { access_token: 42, location_id: true },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'missing fields',
    method: 'POST',
    path: credentialsPath,
    body: { access_token: SQUARE_TOKEN },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an unknown field',
    method: 'POST',
    path: credentialsPath,
    body: { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID, admin: true },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an unknown environment',
    method: 'POST',
    path: credentialsPath,
    body: { access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID, environment: 'staging' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an oversized body',
    method: 'POST',
    path: credentialsPath,
    body: { access_token: 'x'.repeat(20_000), location_id: SQUARE_LOCATION_ID },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'no API key',
    method: 'GET',
    path: '/api/integrations/square/status',
    token: null,
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'a wrong API key',
    method: 'DELETE',
    path: '/api/integrations/square/disconnect',
    token: 'not-a-key-of-anyone-0000',
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    name: 'an unknown provider',
    method: 'GET',
    path: '/api/integrations/paypal/status',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'an unknown route',
    method: 'POST',
    path: '/api/integrations/square/refund',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'OAuth routes on an API-key provider',
    method: 'POST',
    path: '/api/integrations/square/auth-url',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'a log limit of zero',
    method: 'GET',
    path: '/api/integrations/square/logs?limit=0',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a log limit that is not a number',
    method: 'GET',
    path: '/api/integrations/square/logs?limit=lots',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an unknown log level',
    method: 'GET',
    path: '/api/integrations/square/logs?level=debug',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a forged cursor',
    method: 'GET',
    path: '/api/integrations/square/logs?cursor=abc',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a body on test',
    method: 'POST',
    path: '/api/integrations/square/test',
    body: { force: true },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
];

describe('bad input gets a 4xx error body and changes nothing', () => {
  it.each(cases)('$name → $status $code', async ({ method, path, body, token, status, code }) => {
    const before = snapshot(server.storage);
    const request = token === null ? server.anonymous : server.as('tenant-a');
    const response = await request(method, path, {
      ...(body !== undefined ? { body } : {}),
      ...(token ? { token } : {}),
    });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ success: false, error_code: code, message: expect.any(String) });
    expect(snapshot(server.storage)).toEqual(before);
    expect((await server.as('tenant-a')('GET', '/api/integrations/square/status')).body).toMatchObject({
      connected: true,
    });
  });

  it('names the offending field without echoing its value', async () => {
    const response = await server.as('tenant-a')('POST', credentialsPath, {
      body: { access_token: 'has spaces in the middle of it', location_id: SQUARE_LOCATION_ID },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('access_token');
    expect(response.text).not.toContain('has spaces in the middle of it');
  });
});
