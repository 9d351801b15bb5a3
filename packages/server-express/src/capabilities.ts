/**
 * The seed's fixed feature flags, in the seed's order. The full build's `GET /api/capabilities`
 * always carries them (false when nothing configured provides one), so clients written against
 * the seed keep reading a boolean. Only the full build names them: the lite and export bundles
 * hold no provider names (`test/variant-bundles.test.ts`), and have no integrations to report.
 */
export const SEED_FEATURES: readonly string[] = [
  'manual_payments',
  'export',
  'sync',
  'integrations',
  'payments',
  'stripe',
  'square',
  'clover',
  'supabase',
  'woocommerce',
  'quickbooks',
  'data_manager',
];
