import type { IntegrationStatus, TestResult } from './api-client.js';

export interface PaymentSplit {
  method: 'cash' | 'card' | 'check' | 'other';
  /** Minor units (cents). */
  amount: number;
}

/** Every event the elements fire, by name, with its `detail`. All bubble and cross shadow roots. */
export interface PosEventMap {
  'pos-connected': { provider: string; status: IntegrationStatus };
  'pos-disconnected': { provider: string };
  'pos-tested': { provider: string } & TestResult;
  'pos-error': { provider: string; action: string; error_code: string; message: string };
  'pos-logs-opened': { provider: string };
  'pos-logs-closed': { provider: string };
  'pos-integrations-loaded': { providers: string[] };
  'pos-export-downloaded': { entity_type: string; filename: string; bytes: number };
  'pos-payment-method-change': {
    method: PaymentSplit['method'] | 'split';
    /** The payments that settle the total: one entry, or the split rows. */
    payments: PaymentSplit[];
    valid: boolean;
  };
}

export type PosEventName = keyof PosEventMap;

/** The one way elements fire events: `pos-` names, bubbling and composed, typed detail. */
export function emit<K extends PosEventName>(target: EventTarget, name: K, detail: PosEventMap[K]): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: false }));
}

type PosEvents = { [K in PosEventName]: CustomEvent<PosEventMap[K]> };

declare global {
  // Typed listeners wherever the events are heard: on the element, or on document and window.
  interface HTMLElementEventMap extends PosEvents {}
  interface DocumentEventMap extends PosEvents {}
  interface WindowEventMap extends PosEvents {}
}
