/**
 * The catalogue conformance suite (`@pos/integrations-core/testing`) every connector with a
 * `catalogue` runs, over the real HTTP router on a real port, against a simulation of its
 * provider:
 *
 * ```ts
 * import { describeCatalogueConformance } from '@pos/integrations-core/testing';
 * describeCatalogueConformance(square(), squareCatalogueSimulator, host);
 * ```
 *
 * It checks what a merchant pulling a catalogue relies on: every product once, an unchanged
 * re-import changes nothing, a price change updates only those prices, a product deleted at the
 * provider is counted and listed and removed only when asked, a rate limit is waited out, an
 * outage mid-import leaves a failed batch and nothing written, tenants stay apart, and no secret
 * reaches a response or a log line.
 */
import { describe, expect, it } from 'vitest';
import { CsvReader } from '../batches/csv-reader.js';
import type { ConnectorSimulator } from '../connectors/conformance.js';
import { conformanceSession } from '../connectors/conformance-connect.js';
import type { ConformanceHost, ConformanceRequest } from '../connectors/conformance-http.js';
import type { Connector } from '../connectors.js';

type Awaitable<T> = T | Promise<T>;

/** What the suite needs from a simulation of the provider, beside the connector suite's. */
export interface CatalogueSimulator extends ConnectorSimulator {
  /**
   * Replaces the provider's catalogue with `count` distinct products (the same ones every time,
   * over at least three of the connector's pages for 250); returns the SKUs an import must produce.
   */
  stockProducts(count: number): Awaitable<readonly string[]>;
  /** Changes the price of `count` of those products; returns their SKUs. */
  reprice(count: number): Awaitable<readonly string[]>;
  /** Deletes one product at the provider, the way the provider reports deletions; returns its SKU. */
  removeProduct(): Awaitable<string>;
  /** The next catalogue call answers 429 with `Retry-After: 1`; the calls after it answer normally. */
  rateLimitOnce(): Awaitable<void>;
  /** Every catalogue call after the first page fails with a 5xx until `up()`. */
  failAfterFirstPage(): Awaitable<void>;
  /** Only when the connector supplies customers: fills the provider with `count` customers; returns their e-mails. */
  stockCustomers?(count: number): Awaitable<readonly string[]>;
}

const TENANT = 'tenant-a';
const OTHER_TENANT = 'tenant-b';
const PRODUCTS = 250;
const BATCH_WAIT_MS = 30_000;

/** Runs the suite for one connector with a catalogue; `host` serves it through the HTTP router. */
export function describeCatalogueConformance(
  connector: Connector,
  simulator: CatalogueSimulator,
  host: ConformanceHost,
): void {
  const importPath = `/api/data-manager/import-from/${connector.id}`;

  describe(`catalogue conformance: ${connector.id}`, () => {
    const { session, connect } = conformanceSession(connector, simulator, host);
    const request: ConformanceRequest = (...args) => session.request(...args);

    /** Starts an import and waits for its batch to finish. */
    // biome-ignore lint/suspicious/noExplicitAny: batches are checked field by field.
    async function importCatalogue(body: Record<string, unknown> = {}, tenantId = TENANT): Promise<any> {
      const started = await request('POST', importPath, { tenantId, body: { entity_type: 'products', ...body } });
      expect(started.status, started.text).toBe(202);
      expect(started.body).toMatchObject({ type: 'provider_import', source: connector.id, status: 'processing' });
      const deadline = Date.now() + BATCH_WAIT_MS;
      for (;;) {
        const batch = await request('GET', `/api/data-manager/batches/${started.body.id}`, { tenantId });
        expect(batch.status, batch.text).toBe(200);
        if (batch.body.status !== 'processing') return batch.body;
        if (Date.now() > deadline) throw new Error(`The import of ${connector.id} did not finish in time.`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    /** The tenant's rows of one entity type, read back through the CSV export, by their first column. */
    /**
     * The events of the provider's integration log. A batch's outcome is written there just after
     * the batch completes, so a test polls for it.
     */
    async function logEvents(): Promise<string[]> {
      const logs = await request('GET', `/api/integrations/${connector.id}/logs`, { tenantId: TENANT });
      return (logs.body.logs as Array<{ event: string }>).map((entry) => entry.event);
    }

    async function stored(entityType = 'products', tenantId = TENANT): Promise<Map<string, Record<string, string>>> {
      const exported = await request('GET', `/api/data-manager/export?entity_type=${entityType}`, { tenantId });
      expect(exported.status, exported.text).toBe(200);
      const rows = new Map<string, Record<string, string>>();
      let header: string[] | undefined;
      for await (const records of new CsvReader().records(
        (async function* () {
          yield exported.text as string;
        })(),
      )) {
        for (const cells of records) {
          if (!header) {
            header = cells;
            continue;
          }
          const row = Object.fromEntries(header.map((name, index) => [name, cells[index] ?? '']));
          rows.set(cells[0] ?? '', row);
        }
      }
      return rows;
    }

    const prices = (rows: Map<string, Record<string, string>>) =>
      new Map([...rows].map(([sku, row]) => [sku, `${row.price} ${row.currency}`]));

    it('is described with what it supplies, and refuses an import before connecting or of another entity type', async () => {
      const list = await request('GET', '/api/integrations', { tenantId: TENANT });
      const described = (list.body.integrations as Array<{ id: string; catalogue?: string[] }>).find(
        (integration) => integration.id === connector.id,
      );
      expect(described?.catalogue).toEqual(expect.arrayContaining(['products']));

      const early = await request('POST', importPath, { tenantId: TENANT, body: { entity_type: 'products' } });
      expect(early.status, early.text).toBe(404);
      expect(early.body).toMatchObject({ success: false, error_code: 'NOT_FOUND', message: expect.any(String) });

      await connect(TENANT);
      const other = await request('POST', importPath, { tenantId: TENANT, body: { entity_type: 'suppliers' } });
      expect(other.status, other.text).toBe(400);
      expect(other.body).toMatchObject({ success: false, error_code: 'VALIDATION_FAILED' });
      const batches = await request('GET', '/api/data-manager/batches', { tenantId: TENANT });
      expect(batches.body).toEqual([]);
    });

    it('imports every product once, and an unchanged re-import changes nothing', async () => {
      await connect(TENANT);
      const skus = await simulator.stockProducts(PRODUCTS);
      const first = await importCatalogue();
      expect(first).toMatchObject({
        status: 'completed',
        record_count: PRODUCTS,
        inserted_count: PRODUCTS,
        updated_count: 0,
        unchanged_count: 0,
        missing_count: 0,
        processed_count: PRODUCTS,
      });
      if (first.total_count !== null) expect(first.total_count).toBeGreaterThanOrEqual(PRODUCTS);
      const rows = await stored();
      expect([...rows.keys()].sort()).toEqual([...skus].sort());

      const again = await importCatalogue();
      expect(again).toMatchObject({
        status: 'completed',
        record_count: PRODUCTS,
        inserted_count: 0,
        updated_count: 0,
        unchanged_count: PRODUCTS,
        missing_count: 0,
      });
      expect(await stored()).toEqual(rows);
      await expect
        .poll(async () => (await logEvents()).filter((event) => event === 'catalogue_import_completed'))
        .toHaveLength(2);
    });

    it('updates the prices that changed at the provider, and nothing else', async () => {
      await connect(TENANT);
      await simulator.stockProducts(PRODUCTS);
      await importCatalogue();
      const before = prices(await stored());
      const changed = await simulator.reprice(3);
      const repriced = await importCatalogue();
      expect(repriced).toMatchObject({ status: 'completed', inserted_count: 0, updated_count: 3 });
      expect(repriced.unchanged_count).toBe(PRODUCTS - 3);
      const after = prices(await stored());
      const differing = [...after].filter(([sku, price]) => before.get(sku) !== price).map(([sku]) => sku);
      expect(differing.sort()).toEqual([...changed].sort());
    });

    it('counts and lists a product deleted at the provider, and removes it only when asked', async () => {
      await connect(TENANT);
      await simulator.stockProducts(PRODUCTS);
      await importCatalogue();
      const gone = await simulator.removeProduct();
      const kept = await importCatalogue();
      expect(kept).toMatchObject({ status: 'completed', record_count: PRODUCTS - 1, missing_count: 1 });
      expect(kept.remove_missing).toBe(false);
      expect(kept.missing).toEqual([expect.objectContaining({ key: gone })]);
      expect((await stored()).has(gone)).toBe(true);

      const removed = await importCatalogue({ remove_missing: true });
      expect(removed).toMatchObject({ status: 'completed', missing_count: 1, remove_missing: true });
      const rows = await stored();
      expect(rows.has(gone)).toBe(false);
      expect(rows.size).toBe(PRODUCTS - 1);
      expect(await importCatalogue()).toMatchObject({ status: 'completed', missing_count: 0 });
    });

    it('waits out a rate limit and completes', async () => {
      await connect(TENANT);
      await simulator.stockProducts(PRODUCTS);
      await simulator.rateLimitOnce();
      expect(await importCatalogue()).toMatchObject({ status: 'completed', record_count: PRODUCTS });
    });

    it('fails the batch and writes nothing when the provider goes down mid-import, then recovers', async () => {
      await connect(TENANT);
      await simulator.stockProducts(PRODUCTS);
      await importCatalogue();
      const before = await stored();
      await simulator.reprice(5);
      await simulator.failAfterFirstPage();
      const failed = await importCatalogue();
      expect(failed).toMatchObject({ status: 'failed', record_count: 0, error_message: expect.any(String) });
      expect(await stored()).toEqual(before);
      await expect.poll(logEvents).toContain('catalogue_import_failed');

      await simulator.up();
      expect(await importCatalogue()).toMatchObject({ status: 'completed', updated_count: 5 });
    });

    it("keeps tenants apart: another tenant's import needs its own connection and sees none of the rows", async () => {
      await connect(TENANT);
      await simulator.stockProducts(PRODUCTS);
      await importCatalogue();
      const refused = await request('POST', importPath, { tenantId: OTHER_TENANT, body: { entity_type: 'products' } });
      expect(refused.status, refused.text).toBe(404);
      expect((await stored('products', OTHER_TENANT)).size).toBe(0);
      const theirs = await request('GET', '/api/data-manager/batches', { tenantId: OTHER_TENANT });
      expect(theirs.body).toEqual([]);
    });

    if (simulator.stockCustomers) {
      it('imports customers once, keyed by the provider, and again without duplicates', async () => {
        await connect(TENANT);
        const emails = (await simulator.stockCustomers?.(30)) ?? [];
        const first = await importCatalogue({ entity_type: 'customers' });
        expect(first).toMatchObject({
          status: 'completed',
          record_count: emails.length,
          inserted_count: emails.length,
        });
        const again = await importCatalogue({ entity_type: 'customers' });
        expect(again).toMatchObject({ status: 'completed', inserted_count: 0, unchanged_count: emails.length });
        const rows = [...(await stored('customers')).values()];
        expect(rows.map((row) => (row.email ?? '').toLowerCase()).sort()).toEqual(
          emails.map((email) => email.toLowerCase()).sort(),
        );
      });
    }

    it('puts no secret in any response or log line', async () => {
      await connect(TENANT);
      await simulator.stockProducts(20);
      await importCatalogue();
      await simulator.failAfterFirstPage();
      await importCatalogue();
      const secrets = [...simulator.secrets(), ...session.codes].filter((secret) => secret.length >= 8);
      const everything = [...session.seen, ...session.server.loggerLines()].join('\n');
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
}
