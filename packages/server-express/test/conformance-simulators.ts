/**
 * The provider simulations of test-support, each seen through the interface the connector
 * conformance suite needs: good and bad credentials (or a consent page), an outage, the secrets.
 */
import type { CatalogueSimulator, ConnectorSimulator } from '@pos/integrations-core/testing';
import {
  CLOVER_API,
  CLOVER_APP_SECRET,
  cloverGeneratedCatalogue,
  cloverSimulation,
  createWooCommerceCatalogue,
  generatedSquareCatalogue,
  generatedSquareCustomers,
  QUICKBOOKS_API,
  QUICKBOOKS_CLIENT_SECRET,
  quickbooksSimulation,
  SQUARE_LOCATION_ID,
  SQUARE_PRODUCTION,
  SQUARE_TOKEN,
  type SquareVariationObject,
  STRIPE_API,
  STRIPE_SECRET_KEY,
  squareHandlers,
  squareSimulation,
  stripeSimulation,
  type useProviderMock,
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  WOOCOMMERCE_STORE,
  wooCommerceGeneratedCatalogue,
  wooCommerceGeneratedCustomers,
  wooCommerceHandlers,
  wooCommerceProducts,
} from '@pos/test-support';
import { HttpResponse, http, type RequestHandler } from 'msw';

import {
  EXAMPLE_POS_API,
  EXAMPLE_POS_KEY,
  examplePosSimulation,
} from '../../../test/fixtures/example-pos-simulator.js';

type ProviderMock = ReturnType<typeof useProviderMock>;

/** Every call to `base` answers 503 until the handlers are reset. */
function outage(mock: ProviderMock, base: string) {
  mock.use(http.all(`${base}/*`, () => HttpResponse.json({ message: 'Service Unavailable' }, { status: 503 })));
}

/** A fresh simulation before each test; `up` drops the outage by installing its handlers again. */
function mswSimulator<Sim extends { handlers: RequestHandler[] }>(
  mock: ProviderMock,
  base: string,
  simulate: () => Sim,
  facts: (current: () => Sim) => Omit<ConnectorSimulator, 'reset' | 'down' | 'up'>,
): ConnectorSimulator {
  let sim = simulate();
  return {
    ...facts(() => sim),
    reset() {
      sim = simulate();
      mock.resetHandlers(...sim.handlers);
    },
    down: () => outage(mock, base),
    up: () => mock.resetHandlers(...sim.handlers),
  };
}

/** Every token of the pairs an OAuth simulation issued. */
const tokensOf = (issued: ReadonlyArray<{ access_token: string; refresh_token: string }>) =>
  issued.flatMap((pair) => [pair.access_token, pair.refresh_token]);

const WRONG_SQUARE_TOKEN = 'EAAAthisTokenIsNotValid000';

export function squareSimulator(mock: ProviderMock): ConnectorSimulator {
  return mswSimulator(
    mock,
    SQUARE_PRODUCTION,
    () => ({ handlers: squareHandlers() }),
    () => ({
      validCredentials: () => ({ access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID }),
      invalidCredentials: () => ({ access_token: WRONG_SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID }),
      secrets: () => [SQUARE_TOKEN, WRONG_SQUARE_TOKEN],
    }),
  );
}

export function stripeSimulator(mock: ProviderMock): ConnectorSimulator {
  return mswSimulator(mock, STRIPE_API, stripeSimulation, (sim) => ({
    approve: (authUrl) => sim().approve(authUrl),
    secrets: () => [STRIPE_SECRET_KEY, ...tokensOf(sim().issued)],
  }));
}

export function cloverSimulator(mock: ProviderMock): ConnectorSimulator {
  return mswSimulator(mock, CLOVER_API, cloverSimulation, (sim) => ({
    approve: (authUrl) => sim().approve(authUrl),
    secrets: () => [CLOVER_APP_SECRET, ...tokensOf(sim().issued)],
  }));
}

export function quickbooksSimulator(mock: ProviderMock): ConnectorSimulator {
  return mswSimulator(mock, QUICKBOOKS_API, quickbooksSimulation, (sim) => ({
    approve: (authUrl) => sim().approve(authUrl),
    secrets: () => [QUICKBOOKS_CLIENT_SECRET, ...tokensOf(sim().issued)],
  }));
}

const WRONG_EXAMPLE_KEY = 'ex_live_wrong_0123456789abc';

export function examplePosSimulator(mock: ProviderMock): ConnectorSimulator {
  return mswSimulator(mock, EXAMPLE_POS_API, examplePosSimulation, (sim) => ({
    validCredentials: () => ({ api_key: EXAMPLE_POS_KEY }),
    invalidCredentials: () => ({ api_key: WRONG_EXAMPLE_KEY }),
    secrets: () => [EXAMPLE_POS_KEY, WRONG_EXAMPLE_KEY, ...sim().seenKeys],
  }));
}

const WRONG_WOOCOMMERCE_SECRET = 'cs_0000000000000000000000000000000000000000';

const wooCommerceKeys = { consumer_key: WOOCOMMERCE_CONSUMER_KEY, store_url: WOOCOMMERCE_STORE };

export function wooCommerceSimulator(mock: ProviderMock): ConnectorSimulator {
  const keys = wooCommerceKeys;
  return mswSimulator(
    mock,
    WOOCOMMERCE_STORE,
    () => ({ handlers: wooCommerceHandlers() }),
    () => ({
      validCredentials: () => ({ ...keys, consumer_secret: WOOCOMMERCE_CONSUMER_SECRET }),
      invalidCredentials: () => ({ ...keys, consumer_secret: WRONG_WOOCOMMERCE_SECRET }),
      secrets: () => [WOOCOMMERCE_CONSUMER_KEY, WOOCOMMERCE_CONSUMER_SECRET, WRONG_WOOCOMMERCE_SECRET],
    }),
  );
}

/** Clover as the catalogue conformance suite sees it: its inventory, stocked, repriced, cut and faulted. */
export function cloverCatalogueSimulator(mock: ProviderMock): CatalogueSimulator {
  let current: () => ReturnType<typeof cloverSimulation> = cloverSimulation;
  const connector = mswSimulator(mock, CLOVER_API, cloverSimulation, (sim) => {
    current = sim;
    return {
      approve: (authUrl) => sim().approve(authUrl),
      secrets: () => [CLOVER_APP_SECRET, ...tokensOf(sim().issued)],
    };
  });
  const inventory = () => current().inventory;
  const skus = (items: ReadonlyArray<{ sku?: string | undefined }>) => items.map((item) => item.sku as string);
  return {
    ...connector,
    up() {
      inventory().restore();
      connector.up();
    },
    stockProducts(count: number) {
      const catalogue = cloverGeneratedCatalogue(count);
      inventory().replace(catalogue);
      return skus(catalogue.items);
    },
    reprice(count: number) {
      const changed = inventory()
        .items()
        .slice(0, count)
        .map((item) => inventory().update(item.id, { price: item.price + 50 }));
      return skus(changed);
    },
    removeProduct() {
      const last = inventory().items().at(-1);
      if (!last) throw new Error('The simulated Clover inventory is empty.');
      inventory().remove(last.id);
      return last.sku as string;
    },
    rateLimitOnce: () => inventory().rateLimit(1, '1'),
    failAfterFirstPage: () => inventory().failAfterPages(1),
  };
}

/** Example POS with its catalogue (test/fixtures/example-catalogue.ts): products to import, faults on the way. */
export function examplePosCatalogueSimulator(mock: ProviderMock): CatalogueSimulator {
  const base = examplePosSimulator(mock);
  let sim = examplePosSimulation();
  const product = (index: number) => ({
    id: `prod_${String(index).padStart(5, '0')}`,
    sku: `EX-${String(index).padStart(5, '0')}`,
    name: `Example product ${index}`,
    price_cents: 100 + ((index * 37) % 5000),
    currency: 'USD',
    stock: index % 3 === 0 ? null : index % 40,
  });
  return {
    ...base,
    secrets: () => [EXAMPLE_POS_KEY, WRONG_EXAMPLE_KEY, ...sim.seenKeys],
    reset() {
      sim = examplePosSimulation();
      mock.resetHandlers(...sim.handlers);
    },
    down: () => outage(mock, EXAMPLE_POS_API),
    up() {
      sim.faults.afterFirstPage = null;
      mock.resetHandlers(...sim.handlers);
    },
    stockProducts(count) {
      sim.products.splice(0, sim.products.length, ...Array.from({ length: count }, (_, index) => product(index + 1)));
      return sim.products.map((item) => item.sku);
    },
    reprice(count) {
      const changed = sim.products.slice(0, count);
      for (const item of changed) item.price_cents += 250;
      return changed.map((item) => item.sku);
    },
    removeProduct() {
      const [gone] = sim.products.splice(Math.floor(sim.products.length / 2), 1);
      if (!gone) throw new Error('The catalogue is empty.');
      return gone.sku;
    },
    rateLimitOnce() {
      sim.faults.next.push({ status: 429, retryAfter: 1 });
    },
    failAfterFirstPage() {
      sim.faults.afterFirstPage = 503;
    },
  };
}

/**
 * The WooCommerce store for the catalogue conformance suite: a catalogue the test changes
 * (generated products with variations, reprices, products moved to the trash, customers) and
 * its faults (one 429 with Retry-After, an outage after the first page).
 */
export function wooCommerceCatalogueSimulator(mock: ProviderMock): CatalogueSimulator {
  let catalogue = createWooCommerceCatalogue({ products: wooCommerceProducts() });
  const connector = mswSimulator(
    mock,
    WOOCOMMERCE_STORE,
    () => {
      catalogue = createWooCommerceCatalogue({ products: wooCommerceProducts() });
      return { handlers: wooCommerceHandlers(WOOCOMMERCE_STORE, { catalogue }) };
    },
    () => ({
      validCredentials: () => ({ ...wooCommerceKeys, consumer_secret: WOOCOMMERCE_CONSUMER_SECRET }),
      invalidCredentials: () => ({ ...wooCommerceKeys, consumer_secret: WRONG_WOOCOMMERCE_SECRET }),
      secrets: () => [WOOCOMMERCE_CONSUMER_KEY, WOOCOMMERCE_CONSUMER_SECRET, WRONG_WOOCOMMERCE_SECRET],
    }),
  );
  return {
    ...connector,
    up() {
      catalogue.up();
      connector.up();
    },
    stockProducts(count: number): readonly string[] {
      const generated = wooCommerceGeneratedCatalogue(count);
      catalogue.replace({ ...generated.content, customers: [...catalogue.customers] });
      return generated.skus;
    },
    reprice: (count: number): readonly string[] => catalogue.reprice(count).map((product) => String(product.sku)),
    removeProduct(): string {
      const trashed = catalogue.trash();
      if (!trashed) throw new Error('The simulated store has no product to delete');
      return String(trashed.sku);
    },
    rateLimitOnce: () => catalogue.rateLimitOnce(),
    failAfterFirstPage: () => catalogue.failAfterFirstPage(),
    stockCustomers(count: number): readonly string[] {
      const customers = wooCommerceGeneratedCustomers(count);
      catalogue.replaceCustomers(customers);
      return customers.map((customer) => String(customer.email));
    },
  };
}

/**
 * Square with a catalogue the catalogue conformance suite can change: generated products (one
 * variation per product, every fifth item with two), repricing, a deletion the way Square reports
 * it (the item is gone from the catalogue's listings), an armed 429 and an outage after the first page.
 */
export function squareCatalogueSimulator(mock: ProviderMock): CatalogueSimulator {
  // Square's search `limit` is advisory: pages of 100 spread 250 products over three pages.
  const simulate = () => squareSimulation({ searchPageSize: 100 });
  let sim = simulate();
  const install = () => mock.resetHandlers(...sim.handlers);
  const skuOf = (variation: SquareVariationObject) => variation.item_variation_data.sku as string;
  return {
    validCredentials: () => ({ access_token: SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID }),
    invalidCredentials: () => ({ access_token: WRONG_SQUARE_TOKEN, location_id: SQUARE_LOCATION_ID }),
    secrets: () => [SQUARE_TOKEN, WRONG_SQUARE_TOKEN],
    reset() {
      sim = simulate();
      install();
    },
    down: () => outage(mock, SQUARE_PRODUCTION),
    up() {
      sim.catalogue.up();
      install();
    },
    stockProducts(count: number): string[] {
      const generated = generatedSquareCatalogue(count, SQUARE_LOCATION_ID);
      sim.catalogue.replace({ ...generated, customers: [...sim.catalogue.customers] });
      return generated.skus;
    },
    reprice(count: number): string[] {
      const variations = sim.catalogue.variations().slice(0, count);
      for (const variation of variations) {
        sim.catalogue.setPrice(variation.id, (variation.item_variation_data.price_money?.amount ?? 0) + 100);
      }
      return variations.map(skuOf);
    },
    removeProduct(): string {
      const variation = sim.catalogue.variations().find((candidate) => {
        const item = sim.catalogue.itemOf(candidate.id);
        return item?.item_data.variations.length === 1;
      });
      if (!variation) throw new Error('The simulated Square catalogue has no single-variation item to delete.');
      sim.catalogue.delete(variation.item_variation_data.item_id);
      return skuOf(variation);
    },
    rateLimitOnce: () => sim.catalogue.rateLimitOnce(),
    failAfterFirstPage: () => sim.catalogue.failLaterPages(),
    stockCustomers(count: number): string[] {
      const customers = generatedSquareCustomers(count);
      sim.catalogue.replaceCustomers(customers);
      return customers.map((customer) => customer.email_address as string);
    },
  };
}
