import { square } from '@pos/connector-square';
import { SQUARE_PRODUCTION, squareErrorBody, squareLocation, useProviderMock } from '@pos/test-support';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseBytes, pinoCapturingLogger, startTestServer, type TestServer } from './harness.js';

/** Square that accepts whatever token the current run generated, and echoes bad ones in its errors. */
let acceptedToken = '';
useProviderMock(
  http.get(`${SQUARE_PRODUCTION}/v2/locations/:locationId`, ({ request, params }) => {
    const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
    if (token !== acceptedToken) {
      return HttpResponse.json(
        squareErrorBody('AUTHENTICATION_ERROR', 'UNAUTHORIZED', `Token ${token} is not valid.`),
        {
          status: 401,
        },
      );
    }
    return HttpResponse.json({ location: squareLocation({ id: params.locationId }) });
  }),
);

const fastRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
const token = fc.stringMatching(/^EAAA[A-Za-z0-9_-]{24,60}$/);
const locationId = fc.stringMatching(/^L[A-Z0-9]{6,12}$/);

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ connectors: [square({ retry: fastRetry })] });
});
afterEach(() => server.close());

/** Property 3 against one server: every place a secret could leak, with `server.logger`'s lines. */
function secretsStayInTheVault(server: () => TestServer, runs: number) {
  return fc.assert(
    fc.asyncProperty(token, token, locationId, async (secret, wrongSecret, location) => {
      fc.pre(secret !== wrongSecret && !secret.includes(wrongSecret) && !wrongSecret.includes(secret));
      acceptedToken = secret;
      const api = server().as('tenant-a');
      const responses = [
        await api('POST', '/api/integrations/square/credentials', {
          body: { access_token: wrongSecret, location_id: location },
        }),
        await api('POST', '/api/integrations/square/credentials', {
          body: { access_token: secret, location_id: location },
        }),
        await api('GET', '/api/integrations/square/status'),
        await api('GET', '/api/integrations/square/summary'),
        await api('POST', '/api/integrations/square/test'),
        await api('GET', '/api/integrations/square/logs?limit=200'),
      ];
      acceptedToken = 'rotated-elsewhere';
      responses.push(await api('POST', '/api/integrations/square/test'));
      responses.push(await api('GET', '/api/integrations/square/summary'));
      responses.push(await api('GET', '/api/integrations/square/logs?limit=200'));
      responses.push(await api('DELETE', '/api/integrations/square/disconnect'));
      expect(responses[1]?.status).toBe(200);

      const { storage, logger } = server();
      const logRows = JSON.stringify(storage.database.prepare('select * from integration_logs').all());
      const statusRows = JSON.stringify(storage.database.prepare('select * from integration_status').all());
      for (const value of [secret, wrongSecret]) {
        for (const response of responses) expect(response.text).not.toContain(value);
        expect(logRows).not.toContain(value);
        expect(statusRows).not.toContain(value);
        expect(logger.lines.join('\n')).not.toContain(value);
        expect(databaseBytes(server())).not.toContain(value);
      }
    }),
    { numRuns: runs },
  );
}

describe('Property 3: a stored secret never leaves the vault', () => {
  it('is absent from every response, log row, logger line and the database file', async () => {
    await secretsStayInTheVault(() => server, 15);
  });

  it('is absent from the JSON lines of a pino logger handed to the SDK as it is', async () => {
    const withPino = await startTestServer({
      connectors: [square({ retry: fastRetry })],
      logger: pinoCapturingLogger(),
    });
    try {
      await secretsStayInTheVault(() => withPino, 8);
      // pino wrote the SDK's entries with their fields (not the message alone).
      const entries = withPino.logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(entries).toContainEqual(
        expect.objectContaining({
          msg: expect.any(String),
          tenant_id: 'tenant-a',
          provider: 'square',
          event: 'connected',
        }),
      );
    } finally {
      await withPino.close();
    }
  });
});

describe('Property 4: disconnect removes the credentials', () => {
  it('leaves nothing retrievable and the status disconnected, whatever happened before', async () => {
    await fc.assert(
      fc.asyncProperty(
        token,
        fc.array(fc.constantFrom('test', 'summary', 'reconnect', 'status'), { maxLength: 5 }),
        async (secret, steps) => {
          acceptedToken = secret;
          const api = server.as('tenant-a');
          const body = { access_token: secret, location_id: 'LMAIN01' };
          await api('POST', '/api/integrations/square/credentials', { body });
          for (const step of steps) {
            if (step === 'test') await api('POST', '/api/integrations/square/test');
            if (step === 'summary') await api('GET', '/api/integrations/square/summary');
            if (step === 'reconnect') await api('POST', '/api/integrations/square/credentials', { body });
            if (step === 'status') await api('GET', '/api/integrations/square/status');
          }
          expect((await api('DELETE', '/api/integrations/square/disconnect')).body).toMatchObject({ success: true });

          expect(await server.integrations.vault.get('tenant-a', 'square')).toBeUndefined();
          expect(server.storage.database.prepare('select count(*) as n from integration_credentials').get()).toEqual({
            n: 0,
          });
          expect((await api('GET', '/api/integrations/square/status')).body).toMatchObject({
            connected: false,
            status: 'disconnected',
          });
          for (const [method, path] of [
            ['GET', '/api/integrations/square/summary'],
            ['POST', '/api/integrations/square/test'],
          ] as const) {
            const response = await api(method, path);
            expect(response.status).toBe(409);
            expect(response.body).toMatchObject({ error_code: 'NOT_CONNECTED' });
          }
          expect((await api('DELETE', '/api/integrations/square/disconnect')).body).toMatchObject({ success: true });
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('Property 8: tenant isolation through every service call', () => {
  type Command = {
    tenant: 'tenant-a' | 'tenant-b' | 'tenant-c';
    action: 'connect' | 'disconnect' | 'test' | 'summary';
  };
  const command = fc.record<Command>({
    tenant: fc.constantFrom('tenant-a', 'tenant-b', 'tenant-c'),
    action: fc.constantFrom('connect', 'disconnect', 'test', 'summary'),
  });

  it('lets no tenant see or change another tenant’s integration', async () => {
    acceptedToken = 'EAAAsharedDemoTokenForIsolation0000';
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const fresh = await startTestServer({ connectors: [square({ retry: fastRetry })] });
        try {
          const connected = new Map<string, boolean>();
          const events = new Map<string, string[]>();
          const record = (tenant: string, event: string) => events.set(tenant, [event, ...(events.get(tenant) ?? [])]);
          for (const { tenant, action } of commands) {
            const api = fresh.as(tenant);
            const isConnected = connected.get(tenant) ?? false;
            if (action === 'connect') {
              const response = await api('POST', '/api/integrations/square/credentials', {
                body: { access_token: acceptedToken, location_id: `L${tenant.toUpperCase().replace('-', '')}` },
              });
              expect(response.status).toBe(200);
              connected.set(tenant, true);
              record(tenant, 'connected');
            } else if (action === 'disconnect') {
              await api('DELETE', '/api/integrations/square/disconnect');
              if (isConnected) record(tenant, 'disconnected');
              connected.set(tenant, false);
            } else if (action === 'test') {
              const response = await api('POST', '/api/integrations/square/test');
              expect(response.status).toBe(isConnected ? 200 : 409);
              if (isConnected) record(tenant, 'tested');
            } else {
              const response = await api('GET', '/api/integrations/square/summary');
              expect(response.status).toBe(isConnected ? 200 : 409);
              if (isConnected) expect(response.body.location_name).toBe('Main St');
            }
          }
          for (const tenant of ['tenant-a', 'tenant-b', 'tenant-c']) {
            const api = fresh.as(tenant);
            const status = await api('GET', '/api/integrations/square/status');
            expect(status.body.connected).toBe(connected.get(tenant) ?? false);
            if (connected.get(tenant))
              expect(status.body.location_id).toBe(`L${tenant.toUpperCase().replace('-', '')}`);
            const logs = await api('GET', '/api/integrations/square/logs?limit=200');
            expect((logs.body.logs as Array<{ event: string }>).map((row) => row.event)).toEqual(
              events.get(tenant) ?? [],
            );
          }
        } finally {
          await fresh.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
