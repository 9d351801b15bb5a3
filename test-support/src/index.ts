export { ManualClock, TEST_KEY_A, TEST_KEY_B } from './clock.js';
export * from './clover.js';
export { type ApiRequest, type ApiResponse, apiClient, type Listening, listen, type RequestOptions } from './http.js';
export { useProviderMock } from './msw.js';
export { type PostgresCluster, startPostgresCluster } from './postgres.js';
export * from './square.js';
export * from './stripe.js';
