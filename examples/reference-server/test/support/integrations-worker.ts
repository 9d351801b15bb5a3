/**
 * The reference server's own wiring (configuration, storage choice, core services) in a process
 * of its own, without HTTP, for guarantees no route reaches yet. Started by
 * `startIntegrationsWorkers`; configured by the same environment as the server.
 */
import { serveWorker } from '@pos/test-support/worker';
import { consoleLogger, createReferenceServer, readConfig } from '../../src/index.js';

const { integrations } = await createReferenceServer(readConfig(process.env, 'real'), consoleLogger());

serveWorker({
  issueOAuthStates: (tenantId: string, provider: string, count: number) =>
    Promise.all(Array.from({ length: count }, () => integrations.oauthStates.issue(tenantId, provider))),
  consumeOAuthStates: (provider: string, states: string[]) =>
    Promise.all(states.map((state) => integrations.oauthStates.consume(provider, state))),
  close: () => integrations.close(),
});
