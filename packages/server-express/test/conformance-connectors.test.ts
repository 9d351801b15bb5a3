/**
 * The connector conformance suite (`@pos/integrations-core/testing`) for Square, Stripe, Clover,
 * QuickBooks, WooCommerce and the example connector docs/architecture.md builds, each against its provider's simulation.
 */
import { clover } from '@pos/connector-clover';
import { quickbooks } from '@pos/connector-quickbooks';
import { square } from '@pos/connector-square';
import { stripe } from '@pos/connector-stripe';
import { wooCommerce } from '@pos/connector-woocommerce';
import { describeConnectorConformance } from '@pos/integrations-core/testing';
import {
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_REDIRECT_URI,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REDIRECT_URI,
  STRIPE_CLIENT_ID,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  useProviderMock,
} from '@pos/test-support';
import { examplePos } from '../../../test/fixtures/example-pos.js';
import { testServerHost } from './conformance-host.js';
import {
  cloverSimulator,
  examplePosSimulator,
  quickbooksSimulator,
  squareSimulator,
  stripeSimulator,
  wooCommerceSimulator,
} from './conformance-simulators.js';

const mock = useProviderMock();
const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1_000 };
const host = testServerHost();

describeConnectorConformance(square({ retry }), squareSimulator(mock), host);
describeConnectorConformance(
  stripe({ clientId: STRIPE_CLIENT_ID, secretKey: STRIPE_SECRET_KEY, redirectUri: STRIPE_REDIRECT_URI, retry }),
  stripeSimulator(mock),
  host,
);
describeConnectorConformance(
  clover({ appId: CLOVER_APP_ID, appSecret: CLOVER_APP_SECRET, redirectUri: CLOVER_REDIRECT_URI, retry }),
  cloverSimulator(mock),
  host,
);
describeConnectorConformance(wooCommerce({ retry }), wooCommerceSimulator(mock), host);
describeConnectorConformance(examplePos({ retry }), examplePosSimulator(mock), host);
describeConnectorConformance(
  quickbooks({
    clientId: QUICKBOOKS_CLIENT_ID,
    clientSecret: QUICKBOOKS_CLIENT_SECRET,
    redirectUri: QUICKBOOKS_REDIRECT_URI,
    retry,
  }),
  quickbooksSimulator(mock),
  host,
);
