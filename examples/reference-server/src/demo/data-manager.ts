import type { Integrations, Logger } from '@pos/integrations-core';
import { DEMO_TENANT } from './constants.js';

/**
 * Gives the demo tenant a catalogue on its first start: 25 products and 25 customers from fixed
 * seeds, as two Data Manager batches the demo page can show, purge and export.
 */
export async function seedDemoData(integrations: Integrations, logger: Logger): Promise<void> {
  const batches = integrations.batches;
  if (!batches || (await batches.list(DEMO_TENANT, { limit: 1 })).length > 0) return;
  for (const [entityType, seed] of [
    ['products', 2026],
    ['customers', 2027],
  ] as const) {
    const batch = await (await batches.seed(DEMO_TENANT, { entityType, count: 25, seed })).done;
    logger.info({ entity_type: entityType, batch_id: batch.id, status: batch.status }, 'Demo data seeded');
  }
}
