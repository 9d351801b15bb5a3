import type {
  CapabilityFeatures,
  IntegrationStatusView,
  PaymentView,
  Capabilities as ServerCapabilities,
  DataBatch as ServerDataBatch,
  EventDeliveryPage as ServerEventDeliveryPage,
  LogPage as ServerLogPage,
} from '@pos/integrations-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Capabilities, IntegrationStatus, LogPage } from '../src/api-client.js';
import type { DataBatch } from '../src/pos-data-manager/data-manager-client.js';
import type { EventDeliveryPage } from '../src/pos-integration-logs-drawer/event-log.js';
import type { Payment } from '../src/pos-stripe-checkout-button/payments-client.js';

// The elements keep their own copy of the wire types so the package depends on nothing but Lit.
// These checks run in the typecheck (`npm test` runs it): what the server sends must be what
// the elements read, so a field renamed or retyped on one side breaks the build, not a page.
describe('wire types the elements read', () => {
  it('match what the server sends', () => {
    expectTypeOf<IntegrationStatusView>().toExtend<IntegrationStatus>();
    expectTypeOf<Omit<ServerCapabilities, 'features'>>().toExtend<Omit<Capabilities, 'features'>>();
    // An interface has no index signature; the same fields as an object type do extend a record.
    expectTypeOf<{ [K in keyof CapabilityFeatures]: CapabilityFeatures[K] }>().toExtend<Capabilities['features']>();
    expectTypeOf<ServerLogPage>().toExtend<LogPage>();
    expectTypeOf<ServerDataBatch>().toExtend<DataBatch>();
    expectTypeOf<PaymentView>().toExtend<Payment>();
    expectTypeOf<ServerEventDeliveryPage>().toExtend<EventDeliveryPage>();
  });
});
