import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { type ApiClientOptions, PosApiError } from '../api-client.js';
import { PosApiElement } from '../api-element.js';
import { emit } from '../events.js';
import { formatAmount } from '../money.js';
import { formatTimestamp, strings } from '../strings.js';
import './checkout.strings.js';
import { badgeStyles, baseStyles } from '../styles.js';
import { checkoutLink } from './checkout-link.js';
import { type Phase, paidText, phaseOf } from './payment-phase.js';
import { type Payment, PaymentsClient } from './payments-client.js';
import { checkoutStyles } from './pos-stripe-checkout-button.styles.js';
import { loadQrEncoder, type QrEncoder, qrCodeSvg } from './qr-code.js';

/**
 * Takes a card payment for one order with Stripe Checkout. Pressing the button opens a Checkout
 * Session on the merchant's connected Stripe account and shows its link and a QR code the
 * customer scans with a phone; the element then polls the order's payment until it is paid, or
 * the session expired or was cancelled (then a new checkout can start). The payment's state
 * comes from Stripe's signed webhooks on the server, never from the browser. The link is shown
 * only when it is `https:`, or `http:` on the API's own origin; any other URL is refused.
 *
 * An order that already has a payment shows it: an open session is resumed (with a Cancel
 * button that closes it at Stripe), a paid order says so and offers a refund
 * (`<pos-refund-form>`: an amount, default what remains, and a confirmation saying how much; its
 * `pos-payment-refunded` event bubbles out of this element). The element renders nothing when the server takes no card payments (`payments` off in
 * its capabilities), and offers no payment while Stripe is not connected for the tenant: it says
 * so instead, and looks again when a `pos-connected` or `pos-disconnected` event for Stripe
 * reaches the document (a card on the same page connected it) or when `refresh()` is called.
 *
 * @summary Takes an order's card payment with Stripe Checkout: a link, a QR code, and the paid state.
 * @tag pos-stripe-checkout-button
 *
 * @event pos-checkout-opened - A checkout session is open. `detail: { order_id, payment }` (`payment.checkout_url`)
 * @event pos-payment-paid - The order is paid (once per order and element). `detail: { order_id, payment }`
 * @event pos-payment-ended - The session expired or was cancelled, or the payment failed. `detail: { order_id, payment }`
 * @event pos-error - The checkout could not start, or a cancel or refund failed. `detail: { provider: 'stripe', action: 'checkout', error_code, message }`
 *
 * @csspart base - The element's outer box.
 * @csspart button - The pay button; also `pay-button`.
 * @csspart session - The open session: QR code, instructions and link.
 * @csspart qr - The QR code (`<svg role="img">`).
 * @csspart instructions - The sentence above the link.
 * @csspart link - The checkout page link.
 * @csspart cancel-checkout - Cancels the open checkout.
 * @csspart refund - The refund form under a paid payment.
 * @csspart status - The `aria-live` status line; also `status-paid` once paid.
 * @csspart error - Why the checkout could not start, or why its link is not shown.
 * @csspart not-connected - The line shown instead of the button while Stripe is not connected.
 *
 * @cssprop --pos-qr-size - The QR code's width and height (default 11rem).
 * @cssprop --pos-color-primary - The pay button.
 * @cssprop --pos-color-success - The paid status.
 */
export class PosStripeCheckoutButton extends PosApiElement<PaymentsClient> {
  static override styles = [baseStyles, badgeStyles, checkoutStyles];

  protected override createClient(options: ApiClientOptions): PaymentsClient {
    return new PaymentsClient(options);
  }

  /** The POS order this payment settles. */
  @property({ attribute: 'order-id', reflect: true }) accessor orderId = '';

  /** The amount to charge, in minor units (cents). */
  @property({ type: Number }) accessor amount = 0;

  /** ISO 4217 currency code. */
  @property() accessor currency = 'USD';

  /** How often the payment is asked for while the customer pays, in milliseconds. */
  @property({ type: Number, attribute: 'poll-interval' }) accessor pollInterval = 2000;

  /** Whether the server takes card payments; nothing renders until it says so. */
  @state() private accessor offered = false;
  /** Stripe's connection for the tenant: payments are offered only while `connected`. */
  @state() private accessor connection: 'connected' | 'not_connected' | 'needs_reconnect' = 'connected';
  @state() private accessor current: Payment | undefined = undefined;
  @state() private accessor busy = false;
  @state() private accessor error = '';
  /** Loaded once the button is offered, so the code is there by the time a checkout opens. */
  @state() private accessor qr: QrEncoder | undefined = undefined;

  @state() private accessor canceling = false;

  #pollTimer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;
  /** Orders whose payment this element announced as paid. */
  #announced = new Set<string>();

  /** The order's payment as last read from the server; undefined before the first checkout. */
  get payment(): Payment | undefined {
    return this.current;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('pos-connected', this.#onConnection);
    document.addEventListener('pos-disconnected', this.#onConnection);
    if (this.hasUpdated) this.#schedulePoll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('pos-connected', this.#onConnection);
    document.removeEventListener('pos-disconnected', this.#onConnection);
    this.#stopPolling();
  }

  /** Reads the capabilities, Stripe's connection and the order's payment again. */
  refresh(): Promise<void> {
    return this.#load();
  }

  #onConnection = (event: CustomEvent<{ provider: string }>): void => {
    if (event.detail.provider === 'stripe') void this.#load();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configChanged = changed.has('apiBase') || changed.has('token') || changed.has('fetch');
    if (!this.hasUpdated || configChanged || changed.has('orderId')) void this.#load();
  }

  async #load(): Promise<void> {
    const request = ++this.#request;
    this.#stopPolling();
    this.current = undefined;
    this.error = '';
    try {
      const capabilities = await this.api.capabilities();
      if (request !== this.#request) return;
      // No card payments on this server: no button at all, not a disabled one.
      this.offered = capabilities.features.payments === true;
      this.hidden = !this.offered;
      if (!this.offered) return;
      const stripe = await this.api.status('stripe');
      if (request !== this.#request) return;
      this.connection = stripe.connected ? 'connected' : stripe.needs_reconnect ? 'needs_reconnect' : 'not_connected';
      void this.#loadQr();
      if (!this.orderId) return;
      const payment = await this.#read();
      if (request !== this.#request) return;
      if (phaseOf(payment, Date.now()) === 'open') await this.#loadQr();
      if (request === this.#request) this.#show(payment);
    } catch (error) {
      if (request !== this.#request) return;
      this.offered = true; // the element is there to say what went wrong
      this.error = messageOf(error);
    }
  }

  /** The order's payment, or undefined when it has none yet. */
  async #read(): Promise<Payment | undefined> {
    try {
      return await this.api.orderPayment(this.orderId);
    } catch (error) {
      if (error instanceof PosApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  #show(payment: Payment | undefined): void {
    const before = phaseOf(this.current, Date.now());
    this.current = payment;
    const phase = phaseOf(payment, Date.now());
    if (!payment) return;
    if (phase === 'paid' && !this.#announced.has(payment.order_id)) {
      this.#announced.add(payment.order_id);
      emit(this, 'pos-payment-paid', { order_id: payment.order_id, payment });
    }
    if (phase === 'ended' && before !== 'ended' && before !== 'idle') {
      emit(this, 'pos-payment-ended', { order_id: payment.order_id, payment });
    }
    if (phase === 'open' || phase === 'processing') this.#schedulePoll();
  }

  async #start(): Promise<void> {
    const request = this.#request;
    this.busy = true;
    this.error = '';
    try {
      const payment = await this.api.createCheckoutSession({
        order_id: this.orderId,
        amount: this.amount,
        currency: this.currency,
      });
      if (request !== this.#request) return;
      // The link and its QR code appear together.
      await this.#loadQr();
      if (request !== this.#request) return;
      this.#show(payment);
      emit(this, 'pos-checkout-opened', { order_id: payment.order_id, payment });
    } catch (error) {
      if (request !== this.#request) return;
      const code = error instanceof PosApiError ? error.code : 'UNEXPECTED';
      if (code === 'PAYMENT_ALREADY_PAID' || code === 'PAYMENT_PROCESSING') {
        this.#show(await this.#read().catch(() => this.current));
        return;
      }
      this.error = messageOf(error);
      emit(this, 'pos-error', { provider: 'stripe', action: 'checkout', error_code: code, message: this.error });
    } finally {
      this.busy = false;
    }
  }

  async #cancel(): Promise<void> {
    const request = this.#request;
    this.canceling = true;
    this.error = '';
    try {
      const payment = await this.api.cancelCheckout(this.orderId);
      if (request === this.#request) this.#show(payment);
    } catch (error) {
      if (request !== this.#request) return;
      const code = error instanceof PosApiError ? error.code : 'UNEXPECTED';
      // Paid (or on its way) before the cancel reached Stripe: show what it is.
      if (code === 'PAYMENT_ALREADY_PAID' || code === 'PAYMENT_PROCESSING')
        this.#show(await this.#read().catch(() => this.current));
      this.error = messageOf(error);
      emit(this, 'pos-error', { provider: 'stripe', action: 'cancel', error_code: code, message: this.error });
    } finally {
      this.canceling = false;
    }
  }

  #refunded = (event: CustomEvent<{ payment: Payment }>): void => {
    this.current = event.detail.payment;
  };

  /** Without the encoder (its download failed) the session shows its link alone. */
  async #loadQr(): Promise<void> {
    if (this.qr) return;
    try {
      this.qr = await loadQrEncoder();
    } catch {
      // The link still works; the next checkout tries the download again.
    }
  }

  #schedulePoll(): void {
    if (this.#pollTimer !== undefined || !this.isConnected) return;
    const phase = phaseOf(this.current, Date.now());
    if (phase !== 'open' && phase !== 'processing') return;
    const request = this.#request;
    this.#pollTimer = setTimeout(async () => {
      this.#pollTimer = undefined;
      let payment: Payment | undefined;
      try {
        payment = await this.#read();
      } catch {
        payment = this.current; // the network blinked: ask again at the next tick
      }
      if (request !== this.#request) return;
      this.#show(payment);
      this.#schedulePoll();
    }, this.pollInterval);
  }

  #stopPolling(): void {
    clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  override render() {
    if (!this.offered) return nothing;
    const payment = this.current;
    const phase = phaseOf(payment, Date.now());
    const amount = formatAmount(payment?.amount ?? this.amount, (payment?.currency ?? this.currency).toUpperCase());
    const status = {
      idle: '',
      open: strings.checkoutWaiting,
      processing: strings.checkoutProcessing,
      paid: payment ? paidText(payment, amount) : '',
      ended:
        payment?.status === 'failed'
          ? strings.checkoutFailed
          : payment?.status === 'canceled'
            ? strings.checkoutCanceled
            : strings.checkoutExpired,
    }[phase];
    // An order's payment is shown whatever the connection; a new one needs Stripe connected.
    const offer = (phase === 'idle' || phase === 'ended') && this.connection === 'connected';
    const needsStripe = (phase === 'idle' || phase === 'ended') && this.connection !== 'connected';
    return html`<div part="base" class="phase-${phase}">
      ${offer ? this.#renderButton(phase, amount) : nothing}
      ${
        needsStripe
          ? html`<p part="not-connected" class="detail">${
              this.connection === 'needs_reconnect' ? strings.checkoutNeedsReconnect : strings.checkoutNotConnected
            }</p>`
          : nothing
      }
      ${phase === 'open' && payment ? this.#renderSession(payment, amount) : nothing}
      <p part=${phase === 'paid' ? 'status status-paid' : 'status'} class="status" role="status" aria-live="polite">${
        phase === 'paid' ? html`<span class="badge paid">${status}</span>` : status
      }</p>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      ${
        phase === 'paid' && payment && payment.status !== 'disputed'
          ? html`<pos-refund-form
              part="refund"
              .client=${this.api}
              .payment=${payment}
              @pos-payment-refunded=${this.#refunded}
            ></pos-refund-form>`
          : nothing
      }
    </div>`;
  }

  #renderButton(phase: Phase, amount: string) {
    const ready = Boolean(this.orderId) && this.amount > 0;
    return html`<button
      type="button"
      class="primary"
      part="button pay-button"
      ?disabled=${this.busy || !ready}
      @click=${this.#start}
    >
      ${this.busy ? strings.checkoutCreating : phase === 'ended' ? strings.checkoutAgain : strings.checkoutPay(amount)}
    </button>`;
  }

  #renderSession(payment: Payment, amount: string) {
    const url = checkoutLink(payment.checkout_url, this.apiBase, window.location.href);
    if (!url) return html`<p part="error" role="alert">${strings.checkoutUnsafeLink}</p>`;
    return html`<div part="session" class="session">
      ${this.qr ? qrCodeSvg(this.qr, url, strings.checkoutQrLabel) : nothing}
      <div class="how">
        <p part="instructions">${strings.checkoutScan(amount)}</p>
        <a part="link" href=${url} target="_blank" rel="noopener noreferrer">${strings.checkoutOpen}</a>
        ${
          payment.expires_at
            ? html`<p class="detail">${strings.checkoutExpires(formatTimestamp(payment.expires_at))}</p>`
            : nothing
        }
        <button type="button" part="button cancel-checkout" ?disabled=${this.canceling} @click=${this.#cancel}>
          ${this.canceling ? strings.checkoutCanceling : strings.checkoutCancel}
        </button>
      </div>
    </div>`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
