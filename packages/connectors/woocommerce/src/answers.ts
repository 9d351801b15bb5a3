import type { WooAnswer } from './rest.js';

// Reading the store's answers: only short, plain texts of the shapes WooCommerce documents are kept.

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short text of the store's answer, or null: a store's fields are shown, so nothing long or odd. */
export function shortText(value: unknown, pattern = /^\P{Cc}{1,200}$/u): string | null {
  return typeof value === 'string' && pattern.test(value.trim()) ? value.trim() : null;
}

export const VERSION = /^\d{1,4}(\.\d{1,4}){0,3}([-+][\w.]{1,40})?$/;
export const CURRENCY = /^[A-Z]{3}$/;

/** `GET /system_status`: the versions and the currency (the store's name is not in it). */
export function systemStatus(body: unknown) {
  const environment = isObject(body) && isObject(body.environment) ? body.environment : {};
  const settings = isObject(body) && isObject(body.settings) ? body.settings : {};
  return {
    woocommerce_version: shortText(environment.wc_version ?? environment.version, VERSION),
    wordpress_version: shortText(environment.wp_version, VERSION),
    currency: shortText(settings.currency, CURRENCY),
  };
}

/** `GET /settings/general`: the store currency setting, `woocommerce_currency`. */
export function generalCurrency(body: unknown): string | null {
  if (!Array.isArray(body)) return null;
  const setting = body.find((entry) => isObject(entry) && entry.id === 'woocommerce_currency');
  return isObject(setting) ? shortText(setting.value, CURRENCY) : null;
}

/** `X-WP-Total`: how many objects the collection holds (every page of it). */
export function total(answer: WooAnswer): number | null {
  const value = answer.headers.get('x-wp-total');
  return value && /^\d{1,9}$/.test(value) ? Number(value) : null;
}
