/**
 * The provider simulations of test-support, each seen through the interface the connector
 * conformance suite needs: good and bad credentials (or a consent page), an outage, the secrets.
 */
import type { ConnectorSimulator } from '@pos/integrations-core/testing';
import {
  CLOVER_API,
  CLOVER_APP_SECRET,
  cloverSimulation,
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
  wooCommerceHandlers,
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

export function wooCommerceSimulator(mock: ProviderMock): ConnectorSimulator {
  const keys = { consumer_key: WOOCOMMERCE_CONSUMER_KEY, store_url: WOOCOMMERCE_STORE };
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

/**
 * Square with a catalogue the catalogue conformance suite can change: generated products (one
 * variation per product, every fifth item with two), repricing, a deletion the way Square reports
 * it (the item is gone from the catalogue's listings), an armed 429 and an outage after the first page.
 */
export function squareCatalogueSimulator(mock: ProviderMock) {
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
