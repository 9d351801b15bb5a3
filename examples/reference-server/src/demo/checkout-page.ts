import { escapeHtml, simulatedPage } from './simulated-page.js';

/** What the simulated hosted checkout page shows and where its two buttons post. */
export interface CheckoutPage {
  sessionId: string;
  account: string;
  orderId: string;
  amount: number;
  currency: string;
  action: string;
}

function formatAmount(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code keeps two decimals
  }
  return new Intl.NumberFormat('en', { style: 'currency', currency: code }).format(amount / 10 ** digits);
}

/**
 * The HTML of the simulated Stripe Checkout page. It says loudly that it is a simulation: no card
 * is asked for, and pressing a button only makes this server send itself a signed webhook.
 */
export function checkoutPage(page: CheckoutPage): string {
  return simulatedPage({
    title: 'SIMULATED Stripe Checkout (demo mode)',
    banner: 'SIMULATION: this is not Stripe. Demo mode only, no card is charged.',
    primary: 'pay',
    accent: '#635bff',
    main: `      <h1>Pay for order ${escapeHtml(page.orderId)} (simulated)</h1>
      <p class="amount" data-amount="${page.amount}" data-currency="${escapeHtml(page.currency)}">${escapeHtml(formatAmount(page.amount, page.currency))}</p>
      <p class="note">Session <code>${escapeHtml(page.sessionId)}</code> on <code>${escapeHtml(page.account)}</code>.
        Pay completes the session and sends a signed <code>checkout.session.completed</code> webhook;
        Cancel expires it at once (real Stripe keeps it open until it expires) and sends
        <code>checkout.session.expired</code>.</p>
      <form method="post" action="${escapeHtml(page.action)}">
        <div class="actions">
          <button type="submit" name="decision" value="pay">Pay (simulated)</button>
          <button type="submit" name="decision" value="cancel">Cancel</button>
        </div>
      </form>`,
  });
}
