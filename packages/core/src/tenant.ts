import { IntegrationError } from './errors.js';

/** Every service call names its tenant: a missing or empty id is `UNAUTHORIZED` (401). */
export function assertTenant(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.length === 0) {
    throw new IntegrationError('UNAUTHORIZED', 'A tenant id is required.');
  }
}
