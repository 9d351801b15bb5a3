import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Simulated provider HTTP for a test file. Requests to loopback (our own servers under test)
 * pass through; any other request without a handler fails the test, so nothing reaches a real
 * provider.
 */
export function useProviderMock(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  beforeAll(() =>
    server.listen({
      onUnhandledRequest(request, print) {
        if (LOOPBACK.has(new URL(request.url).hostname)) return;
        print.error();
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}
