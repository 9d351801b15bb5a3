import type { ConformanceHost } from '@pos/integrations-core/testing';
import { startTestServer, TENANT_KEYS, type TestServerOptions } from './harness.js';

/** The connector conformance suite's host: the test server (real SQLite, real Express, a real port). */
export function testServerHost(options: Omit<TestServerOptions, 'connectors'> = {}): ConformanceHost {
  return {
    async start(connector) {
      const server = await startTestServer({ ...options, connectors: [connector] });
      return {
        url: server.url,
        headers: (tenantId) => ({ authorization: `Bearer ${TENANT_KEYS[tenantId] ?? ''}` }),
        loggerLines: () => server.logger.lines,
        close: () => server.close(),
      };
    },
  };
}
