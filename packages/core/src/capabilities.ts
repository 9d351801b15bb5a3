import { version as sdkVersion } from '../package.json';

/** The seed's build variants: lite (core POS), export (+ CSV export), full (+ integrations, payments, Data Manager). */
export type Variant = 'lite' | 'export' | 'full';
export const VARIANTS: readonly Variant[] = ['lite', 'export', 'full'];

/**
 * The feature flags: the ones core computes itself, then one flag for each feature a configured
 * connector declares (its `features`, else its id), so a new connector shows up without core
 * knowing its name.
 */
export interface CapabilityFeatures {
  manual_payments: boolean;
  export: boolean;
  sync: boolean;
  /** On in the full variant when at least one connector is configured. */
  integrations: boolean;
  payments: boolean;
  data_manager: boolean;
  [feature: string]: boolean;
}

/** The seed's `Capabilities` object, served at `GET /api/capabilities`. */
export interface Capabilities {
  accounting_mode: 'disabled' | 'export_only' | 'sync';
  features: CapabilityFeatures;
  version: string;
  build_hash: string;
  build_variant: Variant;
}

export function isVariant(value: unknown): value is Variant {
  return typeof value === 'string' && (VARIANTS as readonly string[]).includes(value);
}

/** Integrations, payments and the Data Manager exist only in the full variant. */
export function variantHasIntegrations(variant: Variant): boolean {
  return variant === 'full';
}

export function variantHasExport(variant: Variant): boolean {
  return variant === 'export' || variant === 'full';
}

/**
 * `sync` when the full variant has a connector that records sales in the books (its
 * `accounting`); `export_only` in the export variant, and in the full variant without such a
 * connector (it still exports); `disabled` in lite.
 */
function accountingMode(variant: Variant, provided: ReadonlySet<string>): Capabilities['accounting_mode'] {
  if (variant === 'lite') return 'disabled';
  return variant === 'full' && provided.has('accounting') ? 'sync' : 'export_only';
}

/**
 * A feature is on only when the variant includes it and something real provides it: a configured
 * connector or module. Nothing is ever advertised that would answer 404.
 */
export function computeCapabilities(options: {
  variant: Variant;
  /**
   * Feature flags turned on by configured connectors and modules: `integrations` when there is a
   * connector, each connector's declared features, `payments`, `data_manager`, and `accounting`
   * (a connector records sales in the books; it sets `accounting_mode` rather than a flag).
   */
  provided: ReadonlySet<string>;
  buildHash?: string;
}): Capabilities {
  const { variant, provided } = options;
  const full = variantHasIntegrations(variant);
  const has = (feature: string) => full && provided.has(feature);
  const features: CapabilityFeatures = {
    manual_payments: true,
    export: variantHasExport(variant),
    sync: has('sync'),
    integrations: has('integrations'),
    payments: has('payments'),
    data_manager: has('data_manager'),
  };
  // A connector's own flags; the ones computed above stay as computed.
  for (const feature of provided) {
    if (feature !== 'accounting' && !Object.hasOwn(features, feature)) features[feature] = has(feature);
  }
  return {
    accounting_mode: accountingMode(variant, provided),
    features,
    version: sdkVersion,
    build_hash: options.buildHash ?? 'dev',
    build_variant: variant,
  };
}
