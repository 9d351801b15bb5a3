import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOrigin } from '../src/cors.js';
import { startTestServer, type TestServer } from './harness.js';

const PAGE = 'http://127.0.0.1:8000';

describe('CORS for pages on other origins', () => {
  let server: TestServer;
  let closed: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ cors: { origins: [`${PAGE}/`] } });
    closed = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
    await closed.close();
  });

  it('answers an allowed page’s preflight and calls, without credentials by default', async () => {
    const preflight = await server.anonymous('OPTIONS', '/api/data-manager/batches', {
      headers: {
        origin: PAGE,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const call = await server.as('tenant-a')('GET', '/api/capabilities', { headers: { origin: PAGE } });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(call.headers.get('access-control-expose-headers')).toContain('Location');
    expect(call.headers.get('vary')).toContain('Origin');
    // An error answer carries the header too, so the page can read the message.
    const refused = await server.anonymous('GET', '/api/data-manager/batches', { headers: { origin: PAGE } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('gives another origin, and every origin by default, no CORS header', async () => {
    for (const [target, origin] of [
      [server, 'https://evil.example'],
      [server, 'http://127.0.0.1:8001'],
      [closed, PAGE],
    ] as const) {
      const preflight = await target.anonymous('OPTIONS', '/api/capabilities', {
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const call = await target.anonymous('GET', '/api/capabilities', { headers: { origin } });
      expect(call.status).toBe(200);
      expect(call.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('accepts only bare origins in its configuration', () => {
    expect(normalizeOrigin('https://pos.example.com/')).toBe('https://pos.example.com');
    for (const bad of ['pos.example.com', 'https://pos.example.com/app', 'ftp://pos.example.com', '*']) {
      expect(() => normalizeOrigin(bad)).toThrow('is not an origin such as https://pos.example.com');
    }
  });
});
