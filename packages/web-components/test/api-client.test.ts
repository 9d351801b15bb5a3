import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PosApiClient, PosApiError } from '../src/api-client.js';

// A static file server of the host page, not the API: what `api-base` left at its default reaches
// when the page is served by another server.
let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>Error response</title><p>Error code: 404');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('names the URL that answered without a POS Integrations error, and what to check', async () => {
  const failure = await new PosApiClient({ apiBase: origin, token: 'k' }).capabilities().catch((error) => error);
  expect(failure).toBeInstanceOf(PosApiError);
  expect(failure).toMatchObject({ status: 404, code: 'HTTP_404' });
  expect((failure as Error).message).toBe(
    `GET ${origin}/api/capabilities answered 404 without a POS Integrations error: check that api-base points at the POS Integrations server.`,
  );
});

it('names the URL it could not reach', async () => {
  const closed = 'http://127.0.0.1:9';
  const failure = await new PosApiClient({ apiBase: closed }).capabilities().catch((error) => error);
  expect(failure).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  expect((failure as Error).message).toContain(`Could not reach ${closed}/api/capabilities.`);
  expect((failure as Error).message).toContain("allows this page's origin");
});
