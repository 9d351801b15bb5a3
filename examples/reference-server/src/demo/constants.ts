/** The values demo mode prints and documents; never accepted by a server in real mode. */
export const DEMO_TENANT = 'demo';
export const DEMO_API_KEY = 'pos_demo_key_not_for_production';

/** A token and location the simulated Square API accepts. */
export const DEMO_SQUARE_TOKEN = 'sq0atp-demo-square-access-token';
export const DEMO_SQUARE_LOCATION = 'L-DEMO-MAIN';

/** A secret key the simulated Supabase REST API accepts; the project URL is `<server>/demo/supabase`. */
export const DEMO_SUPABASE_KEY = 'sb_secret_demo_supabase_key_not_for_production';

/** A REST API key the simulated WooCommerce store accepts; the store URL is `<server>/demo/woocommerce`. */
export const DEMO_WOOCOMMERCE_KEY = 'ck_demo0woocommerce0key0not0for0production';
export const DEMO_WOOCOMMERCE_SECRET = 'cs_demo0woocommerce0secret0not0for0production';

export const SIMULATOR_PREFIX = '/demo';

/** The simulated Stripe platform and the account its consent page connects. */
export const DEMO_STRIPE_CLIENT_ID = 'ca_DemoPlatformSimulated';
export const DEMO_STRIPE_SECRET_KEY = 'sk_test_DemoPlatformKeySimulated';
export const DEMO_STRIPE_ACCOUNT = 'acct_1DemoCoffeeSimulated';

/** The simulated Clover app and the merchant its consent page connects. */
export const DEMO_CLOVER_APP_ID = 'DEMOCLOVERAPP';
export const DEMO_CLOVER_APP_SECRET = 'demo-clover-app-secret-simulated';
export const DEMO_CLOVER_MERCHANT = 'DEMOMERCHANT1';

/** The simulated Intuit app and the QuickBooks company its consent page connects. */
export const DEMO_QUICKBOOKS_CLIENT_ID = 'ABdemoQuickBooksClientIdSimulated0123456789';
export const DEMO_QUICKBOOKS_CLIENT_SECRET = 'demo-quickbooks-client-secret-simulated';
export const DEMO_QUICKBOOKS_REALM = '9130355377512345';
