import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { PosApiError } from '../api-client.js';
import { confirmationDialog, confirmDialogStyles } from '../confirm-dialog.js';
import { emit } from '../events.js';
import { formatAmount, minorUnitDigits, parseAmount } from '../money.js';
import { strings } from '../strings.js';
import { baseStyles } from '../styles.js';
import '../pos-stripe-checkout-button/checkout.strings.js';
import type { Payment, PaymentsClient } from '../pos-stripe-checkout-button/payments-client.js';

/** What remains refundable of a payment, in minor units. */
export function refundable(payment: Payment): number {
  return Math.max(0, payment.amount - payment.refunded_amount);
}

/** 1250 (USD) → "12.50": the amount field's text, without a currency sign. */
function amountText(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Refunds a paid order, in part or in full. A Refund button opens an amount field holding what
 * remains; Refund… asks for confirmation, saying what will be refunded and what was paid, and
 * only then asks the server. The request carries an `Idempotency-Key` made when the
 * confirmation opened, so a repeated click or a retried request refunds once. Shown by
 * `<pos-stripe-checkout-button>` under a paid payment; a host may use it on its own with
 * `.client` and `.payment` set.
 *
 * @summary Refunds part or all of a paid order, after a confirmation that says how much.
 * @tag pos-refund-form
 *
 * @event pos-payment-refunded - A refund was made. `detail: { order_id, payment, refund }`
 * @event pos-error - The refund was refused or failed. `detail: { provider: 'stripe', action: 'refund', error_code, message }`
 *
 * @csspart refund-button - Opens the amount field.
 * @csspart form - The amount field and its buttons.
 * @csspart amount - The amount field.
 * @csspart submit - Refund…, which asks for confirmation.
 * @csspart confirm - The confirmation dialog; its buttons are `confirm-button` and `cancel-button`.
 * @csspart error - Why the refund was refused.
 */
export class PosRefundForm extends LitElement {
  static override styles = [
    baseStyles,
    confirmDialogStyles,
    css`
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      label {
        display: grid;
        gap: 0.25rem;
      }
      input {
        max-width: 9rem;
      }
    `,
  ];

  /** Sends the refund (the checkout button passes its own). */
  @property({ attribute: false }) accessor client: PaymentsClient | undefined = undefined;
  /** The paid payment to refund. */
  @property({ attribute: false }) accessor payment: Payment | undefined = undefined;

  @state() private accessor open = false;
  @state() private accessor text = '';
  @state() private accessor busy = false;
  @state() private accessor error = '';
  @state() private accessor done = '';
  @query('dialog') private accessor dialog!: HTMLDialogElement | null;

  /** Made when the confirmation opens; the same for every try of that refund. */
  #key = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('payment') && this.payment && !this.open) {
      this.text = amountText(refundable(this.payment), this.payment.currency.toUpperCase());
    }
  }

  #amount(): number | null {
    const payment = this.payment;
    if (!payment) return null;
    const minor = parseAmount(this.text, payment.currency.toUpperCase());
    return minor !== null && minor >= 1 && minor <= refundable(payment) ? minor : null;
  }

  #format(minor: number): string {
    return formatAmount(minor, (this.payment?.currency ?? 'usd').toUpperCase());
  }

  #review(event: Event): void {
    event.preventDefault();
    this.done = '';
    if (this.#amount() === null) {
      this.error = strings.refundInvalid(this.#format(refundable(this.payment as Payment)));
      return;
    }
    this.error = '';
    this.#key = newKey();
    this.dialog?.showModal();
  }

  async #confirm(): Promise<void> {
    const payment = this.payment;
    const amount = this.#amount();
    if (!payment || amount === null || !this.client) return;
    this.busy = true;
    try {
      const result = await this.client.refund(payment.order_id, amount, this.#key);
      this.dialog?.close();
      this.open = false;
      this.done = strings.refundDone(this.#format(result.refund.amount));
      this.payment = result.payment;
      emit(this, 'pos-payment-refunded', {
        order_id: payment.order_id,
        payment: result.payment,
        refund: result.refund,
      });
    } catch (error) {
      this.dialog?.close();
      this.error = error instanceof Error ? error.message : String(error);
      const code = error instanceof PosApiError ? error.code : 'UNEXPECTED';
      emit(this, 'pos-error', { provider: 'stripe', action: 'refund', error_code: code, message: this.error });
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const payment = this.payment;
    if (!payment) return nothing;
    const left = refundable(payment);
    const amount = this.#amount();
    return html`${this.done ? html`<p class="detail" role="status">${this.done}</p>` : nothing}
      ${
        left > 0 && !this.open
          ? html`<button type="button" part="refund-button" @click=${() => (this.open = true)}>${strings.refundOpen}</button>`
          : nothing
      }
      ${
        this.open
          ? html`<form part="form" @submit=${this.#review}>
              <label
                >${strings.refundAmount(this.#format(left))}
                <input
                  part="amount"
                  inputmode="decimal"
                  autocomplete="off"
                  .value=${this.text}
                  @input=${(event: Event) => (this.text = (event.target as HTMLInputElement).value)}
              /></label>
              <button type="submit" class="danger" part="submit">${strings.refundReview}</button>
              <button type="button" @click=${() => (this.open = false)}>${strings.cancel}</button>
            </form>`
          : nothing
      }
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      ${confirmationDialog({
        title: strings.refundConfirmTitle,
        body: strings.refundConfirmBody(
          this.#format(amount ?? 0),
          this.#format(payment.amount),
          payment.order_id,
          this.#format(left - (amount ?? 0)),
        ),
        confirm: strings.refundConfirm(this.#format(amount ?? 0)),
        confirming: strings.refunding,
        busy: this.busy,
        ready: amount !== null,
        onConfirm: () => void this.#confirm(),
      })}`;
  }
}
