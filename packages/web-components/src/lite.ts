/**
 * The lite build: manual payment selection only, defined under its own name on import. Nothing here talks to integrations, so a lite
 * bundle carries no integration code.
 */
export { emit, type PaymentSplit, type PosEventMap, type PosEventName } from './events.js';
export { PosPaymentMethodSelect } from './pos-payment-method-select/define.js';
export type { PaymentMethod } from './pos-payment-method-select/pos-payment-method-select.js';
export { defaultStrings, formatTimestamp, type PosStrings, setStrings, strings } from './strings.js';
