/**
 * The catalogue conformance suite (`@pos/integrations-core/testing`) for every connector that
 * offers a catalogue, each against its provider's simulation: the example connector's
 * (test/fixtures/example-catalogue.ts) first.
 */
import { clover } from '@pos/connector-clover';
import { square } from '@pos/connector-square';
import { wooCommerce } from '@pos/connector-woocommerce';
import { describeCatalogueConformance } from '@pos/integrations-core/testing';
import { CLOVER_APP_ID, CLOVER_APP_SECRET, CLOVER_REDIRECT_URI, useProviderMock } from '@pos/test-support';
import { examplePosWithCatalogue } from '../../../test/fixtures/example-catalogue.js';
import { testServerHost } from './conformance-host.js';
import {
  cloverCatalogueSimulator,
  examplePosCatalogueSimulator,
  squareCatalogueSimulator,
  wooCommerceCatalogueSimulator,
} from './conformance-simulators.js';

const mock = useProviderMock();
const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1_000 };
const host = testServerHost();

describeCatalogueConformance(examplePosWithCatalogue({ retry }), examplePosCatalogueSimulator(mock), host);
// 100 items a page, so the suite's 250 products take three pages.
describeCatalogueConformance(
  clover({
    appId: CLOVER_APP_ID,
    appSecret: CLOVER_APP_SECRET,
    redirectUri: CLOVER_REDIRECT_URI,
    retry,
    pageSize: 100,
  }),
  cloverCatalogueSimulator(mock),
  host,
);
describeCatalogueConformance(wooCommerce({ retry }), wooCommerceCatalogueSimulator(mock), host);
describeCatalogueConformance(square({ retry }), squareCatalogueSimulator(mock), host);
