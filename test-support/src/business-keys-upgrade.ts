import type { KyselyStorage } from '@pos/storage-kysely';
import { expect } from 'vitest';
import { migrateBefore } from './migrate-before.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';

function legacyProduct(tenantId: string, batchId: string, sku: string, price: number, createdAt: string) {
  return {
    tenant_id: tenantId,
    batch_id: batchId,
    sku,
    name: `Product ${sku}`,
    price,
    currency: 'USD',
    category: null,
    stock: null,
    barcode: null,
    description: null,
    created_at: createdAt,
  };
}

/**
 * Upgrades a database whose products repeat SKUs (as releases before `0009_business_keys` let
 * them) and checks what the migration made of them and of customers. `storage` must be opened
 * without migrating (`migrate: false`).
 */
export async function checkBusinessKeysUpgrade(storage: KyselyStorage): Promise<void> {
  await migrateBefore(storage, '0009');
  // biome-ignore lint/suspicious/noExplicitAny: the typed schema already has 0009's columns.
  const db = storage.db as any;
  await db
    .insertInto('products')
    .values([
      legacyProduct('tenant-a', 'batch-1', 'A-1', 100, T0),
      legacyProduct('tenant-a', 'batch-1', 'B-2', 200, T0),
      legacyProduct('tenant-a', 'batch-2', 'A-1', 150, T1), // the same SKU, uploaded again later
      legacyProduct('tenant-a', 'batch-3', 'B-2', 250, T0), // same time as its twin: the higher id wins
      legacyProduct('tenant-b', 'batch-9', 'A-1', 999, T0), // another tenant's SKU is its own
    ])
    .execute();
  await db
    .insertInto('customers')
    .values({
      tenant_id: 'tenant-a',
      batch_id: 'batch-4',
      name: 'Ada',
      email: 'ada@example.com',
      phone: null,
      company: null,
      address_line1: null,
      city: null,
      region: null,
      postal_code: null,
      country: null,
      created_at: T0,
    })
    .execute();

  const notes = await storage.migrate();
  expect(notes).toEqual([
    'Merged 2 product row(s) that repeated a SKU of their tenant: the newest row of each SKU was kept.',
  ]);
  const products = await db
    .selectFrom('products')
    .select(['tenant_id', 'sku', 'price', 'batch_id', 'seen_batch_id', 'changed_batch_id'])
    .orderBy('tenant_id')
    .orderBy('sku')
    .execute();
  expect(products.map((row: Record<string, unknown>) => ({ ...row, price: Number(row.price) }))).toEqual([
    {
      tenant_id: 'tenant-a',
      sku: 'A-1',
      price: 150,
      batch_id: 'batch-2',
      seen_batch_id: null,
      changed_batch_id: null,
    },
    {
      tenant_id: 'tenant-a',
      sku: 'B-2',
      price: 250,
      batch_id: 'batch-3',
      seen_batch_id: null,
      changed_batch_id: null,
    },
    {
      tenant_id: 'tenant-b',
      sku: 'A-1',
      price: 999,
      batch_id: 'batch-9',
      seen_batch_id: null,
      changed_batch_id: null,
    },
  ]);
  // The customer keeps its row number as its id: what the sync target already keys it by.
  const [customer] = await db.selectFrom('customers').select(['id', 'customer_id']).execute();
  expect(customer.customer_id).toBe(String(customer.id));
  // The key holds from now on.
  await expect(
    db
      .insertInto('products')
      .values(legacyProduct('tenant-a', 'batch-5', 'A-1', 1, T1))
      .execute(),
  ).rejects.toThrow();
  expect(await storage.migrate()).toEqual([]);
}
