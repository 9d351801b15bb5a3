// Simulated Stripe Connect, Square, Clover, QuickBooks Online, Supabase and WooCommerce for demos and tests: each provider is plain
// request handlers over in-memory state, served by `nodeListener` (Node.js, Express) or by the
// msw handlers of `@pos/simulators/msw`.
export {
  type CloverCatalogue,
  type CloverCategory,
  type CloverItem,
  type CloverPriceType,
  cloverDemoCatalogue,
  cloverGeneratedCatalogue,
} from './clover/catalogue.js';
export {
  CLOVER_API,
  CLOVER_APP_ID,
  CLOVER_APP_SECRET,
  CLOVER_MERCHANT_ID,
  CLOVER_OAUTH,
  CLOVER_REDIRECT_URI,
  type CloverMerchant,
  cloverMerchant,
} from './clover/fixtures.js';
export type { CloverInventory } from './clover/inventory.js';
export { type CloverSimulator, type CloverSimulatorOptions, createCloverSimulator } from './clover/simulator.js';
export { combine, type SimulatedRequest, type SimulatedResponse, type Simulator } from './exchange.js';
export { nodeListener } from './node.js';
export {
  type BooksAccount,
  type BooksFault,
  type BooksItem,
  type BooksReceipt,
  type BooksSimulatorOptions,
  booksAccounts,
  createQuickBooksBooksSimulator,
  QUICKBOOKS_BOOKS_REALM_ID,
  QUICKBOOKS_BOOKS_TOKEN,
  type QuickBooksBooksSimulator,
} from './quickbooks/books.js';
export {
  INTUIT_APPCENTER,
  INTUIT_DEVELOPER_API,
  INTUIT_OAUTH,
  QUICKBOOKS_API,
  QUICKBOOKS_CLIENT_ID,
  QUICKBOOKS_CLIENT_SECRET,
  QUICKBOOKS_REALM_ID,
  QUICKBOOKS_REDIRECT_URI,
  QUICKBOOKS_SANDBOX_API,
  QUICKBOOKS_SCOPE,
  type QuickBooksCompany,
  type QuickBooksCurrency,
  quickbooksCompany,
  quickbooksCurrency,
} from './quickbooks/fixtures.js';
export {
  createQuickBooksSimulator,
  type QuickBooksSimulator,
  type QuickBooksSimulatorOptions,
} from './quickbooks/simulator.js';
export { SquareCatalogue } from './square/catalogue.js';
export {
  generatedSku,
  generatedSquareCatalogue,
  generatedSquareCustomers,
  SQUARE_OTHER_LOCATION_ID,
  squareCafeCatalogue,
  squareCafeCustomers,
} from './square/catalogue-data.js';
export {
  inStock,
  type SquareCatalogObject,
  type SquareCatalogueContent,
  type SquareCategoryObject,
  type SquareCustomer,
  type SquareInventoryCount,
  type SquareItemObject,
  type SquareVariationObject,
  squareCategory,
  squareItem,
} from './square/catalogue-objects.js';
export {
  SQUARE_LOCATION_ID,
  SQUARE_PRODUCTION,
  SQUARE_TOKEN,
  squareErrorBody,
  squareLocation,
} from './square/fixtures.js';
export { createSquareSimulator, type SquareSimulator, type SquareSimulatorOptions } from './square/simulator.js';
export {
  deliverStripeEvent,
  type StripeDelivery,
  type StripeWebhookEndpoint,
  stripeEvent,
  stripeSignature,
} from './stripe/events.js';
export {
  type SimulatedSession,
  STRIPE_ACCOUNT_ID,
  STRIPE_API,
  STRIPE_CLIENT_ID,
  STRIPE_CONNECT,
  STRIPE_REDIRECT_URI,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  type StripeAccount,
  stripeAccount,
} from './stripe/fixtures.js';
export { createStripeSimulator, type StripeSimulator, type StripeSimulatorOptions } from './stripe/simulator.js';
export {
  type GatewayKey,
  type GatewayPass,
  type GatewayRequest,
  REST_PREFIX,
  supabaseGateway,
} from './supabase/gateway.js';
export {
  createSupabaseSimulator,
  SUPABASE_SECRET_KEY,
  SUPABASE_TABLES,
  type SupabaseSimulatorOptions,
} from './supabase/simulator.js';
export {
  createWooCommerceCatalogue,
  type WooCommerceCatalogue,
  type WooCommerceCatalogueContent,
  type WooObject,
} from './woocommerce/catalogue.js';
export {
  wooCommerceCustomer,
  wooCommerceDemoCatalogue,
  wooCommerceGeneratedCatalogue,
  wooCommerceGeneratedCustomers,
  wooCommerceVariation,
} from './woocommerce/catalogue-fixtures.js';
export {
  WOOCOMMERCE_CONSUMER_KEY,
  WOOCOMMERCE_CONSUMER_SECRET,
  WOOCOMMERCE_STORE,
  type WooCommerceStore,
  wooCommerceProduct,
  wooCommerceProducts,
  wooCommerceStore,
} from './woocommerce/fixtures.js';
export { createWooCommerceSimulator, type WooCommerceSimulatorOptions } from './woocommerce/simulator.js';
